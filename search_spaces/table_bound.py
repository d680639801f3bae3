"""Spaces whose benchmark table holds a sliver of them (NB101, NB301/DARTS, NDS).

Bound to its table (``table_only``, the default with a tabular evaluator), such a space samples,
mutates, lists neighbours and enumerates within the cells the table holds, so every proposal can
be looked up; unbound, it is the whole space. A subclass says how to draw, edit and list
neighbours in the whole space; :class:`TableBoundSpace` does the rest once for all of them.

A table that holds a sliver of its space (725 DARTS cells of ~10^18, ~5,000 NDS networks of
~10^20) holds almost no cell's one-edit neighbours. There a cell's neighbours are the table's
cells nearest to it (fewest differing encoding entries), so local search and evolution still
move to similar networks instead of silently becoming random search.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, ClassVar, Iterator

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError
from ..engine.registry import BENCHMARKS
from ..engine.types import Arch
from .base import EnumerableSpace, NeighbourhoodSpace
from .benchmark import Benchmark


def mutate_within(propose: Callable[[], Arch], held: Callable[[Arch], bool], fallback: Callable[[], Arch],
                  tries: int) -> Arch:
    """The first of ``tries`` proposed edits the table holds; ``fallback()`` when none lands in it
    (most edits leave a table that holds a few percent of the space, or far less)."""
    for _ in range(tries):
        child = propose()
        if held(child):
            return child
    return fallback()


class TableBoundSpace(EnumerableSpace, NeighbourhoodSpace):
    """Sampling, mutation, neighbours and enumeration kept inside the benchmark table when bound to it."""

    keeps_to_table = True
    whole_space: ClassVar[str]
    """The unbound space in words, for the message that it is not enumerated ("the full NB101 space (...)")."""
    table_is_a_sliver: ClassVar[bool] = False
    """True when no table can hold more than a vanishing share of the whole space (DARTS's 725 cells of ~10^18):
    looking the whole space up would fail at nearly every evaluation, so that is refused before the run."""
    mutation_tries: ClassVar[int] = 50
    """Edits tried before a table-bound mutation gives up on editing and takes :meth:`_off_table_fallback`."""
    edits_are_neighbours: ClassVar[bool] = False
    """True when :meth:`_edit` draws uniformly from :meth:`_neighbours_anywhere`: a table-bound mutation then
    draws from the held neighbours at once, as the tries would, instead of listing the neighbours per try.
    A subclass whose ``_edit`` draws otherwise sets it back to False."""
    near_encoding: ClassVar[str]
    """The vector encoding whose differing entries count edits, to find a cell's nearest table cells."""
    nearest: ClassVar[int] = 10
    """How many nearest table cells stand in for neighbours when the table holds none of a cell's."""

    def _bind_table(self, context: RunContext, table_only: bool | None, benchmark: Callable[[], Benchmark]) -> None:
        """Keep to the table when asked, or by default when the run looks results up (``context.lookup``)."""
        given = context.benchmark
        own = BENCHMARKS.get(self.benchmark) if self.benchmark in BENCHMARKS.names() else None
        if given is not None and own is not None and not isinstance(given, own):  # it drew that table's cells
            raise ConfigError(f"search space '{self.name}' was given the context of benchmark "
                              f"'{BENCHMARKS.label(given)}', whose cells are not its own; build its context, e.g. "
                              f"build_context({type(self).__name__}, dataset, data_dir, lookup=True)")
        self.table_only = context.lookup if table_only is None else table_only
        if context.lookup and not self.table_only and self.table_is_a_sliver:
            raise ConfigError(f"--space-opt table_only=false searches {self.whole_space}, which the tabular "
                              "evaluator cannot look up beyond its table's few cells: every evaluation would fail; "
                              "keep to the table (drop the option) or evaluate with --evaluator proxy or train")
        self._table: Any = (context.benchmark or benchmark()) if self.table_only else None

    # --- the whole space: each subclass ----------------------------------------------------------
    @abstractmethod
    def _sample_anywhere(self, rng: np.random.Generator) -> Arch:
        """A random architecture of the whole space."""

    @abstractmethod
    def _edit(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """One random edit of a validated ``arch`` in the whole space."""

    @abstractmethod
    def _neighbours_anywhere(self, arch: Arch) -> list[Arch]:
        """Every single edit of a validated ``arch`` in the whole space."""

    def _table_cells(self) -> list[Arch]:
        """The architectures the bound table holds (a benchmark with tasks of its own may narrow them)."""
        return self._table.cells()

    def _table_count(self) -> int:
        """How many :meth:`_table_cells` lists; a space whose table counts its cells without building them (a
        value a row, kept for the process's life) answers from it, and :meth:`_table_cell` builds one alone."""
        return len(self._table_cells())

    def _table_cell(self, index: int) -> Arch:
        """Cell ``index`` of :meth:`_table_cells`."""
        return self._table_cells()[index]

    def _table_hashes(self) -> list[str]:
        """``hash`` of each of :meth:`_table_cells`; a space whose table stores them reads them off it instead."""
        return [self.hash(cell) for cell in self._table_cells()]

    def _held(self, archs: list[Arch]) -> np.ndarray:
        return self._table.holds(archs)

    def _off_table_fallback(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """When no edit lands in the table: a neighbour the table holds; where it holds none, one of the
        table's nearest cells half the time and any table cell otherwise. Only the nearest cells stalled
        evolution on NB301 once they were all evaluated: its children were duplicates, 100 tries each."""
        held = self._held_neighbours(arch)
        if held:
            return held[int(rng.integers(len(held)))]
        near = self._nearest_cells(arch) if rng.random() < 0.5 else []
        return near[int(rng.integers(len(near)))] if near else self.sample(rng)

    def _held_neighbours(self, arch: Arch) -> list[Arch]:
        near = self._neighbours_anywhere(arch)
        return [a for a, held in zip(near, self._held(near)) if held]

    def _nearest_cells(self, arch: Arch) -> list[Arch]:
        """The :data:`nearest` table cells closest to ``arch`` in :data:`near_encoding` (ties in table order),
        none of them computing the same network as ``arch``."""
        codes = self.__dict__.get("_near_codes")
        if codes is None:
            codes = self.__dict__["_near_codes"] = np.stack(
                [self.encode(c, self.near_encoding) for c in self._table_cells()])
        distance = np.abs(codes - self.encode(arch, self.near_encoding)).sum(axis=1)
        cells, own, out = self._table_cells(), self.functional_hash(arch), []
        for row in np.argsort(distance, kind="stable"):
            if self.functional_hash(cells[row]) != own:
                out.append(cells[row])
                if len(out) == self.nearest:
                    break
        return out

    def __getstate__(self) -> dict[str, Any]:
        """Without the nearest-cell codes (4 MB on NB101): a space shipped to a worker rebuilds them if asked."""
        return {k: v for k, v in self.__dict__.items() if k != "_near_codes"}

    # --- shared --------------------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> Arch:
        if self._table is None:
            return self._sample_anywhere(rng)
        return self._table_cell(int(rng.integers(self._table_count())))

    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """One random edit; inside the table when bound to it (see :data:`mutation_tries` and
        :data:`edits_are_neighbours`)."""
        arch = self.validate(arch)
        if self._table is None:
            return self._edit(arch, rng)
        if self.edits_are_neighbours:  # the same draw: a uniform held neighbour, else the fallback's
            return self._off_table_fallback(arch, rng)
        return mutate_within(lambda: self._edit(arch, rng), lambda child: self._held([child])[0],
                             lambda: self._off_table_fallback(arch, rng), self.mutation_tries)

    def neighbours(self, arch: Arch) -> list[Arch]:
        """One-edit neighbours; bound to a table, those it holds, or its nearest cells when it holds none."""
        arch = self.validate(arch)
        if self._table is None:
            return self._neighbours_anywhere(arch)
        return self._held_neighbours(arch) or self._nearest_cells(arch)

    @property
    def size(self) -> int | None:
        """The table's count when bound to it; the whole space is not enumerated."""
        return None if self._table is None else self._table_count()

    def enumerate(self) -> Iterator[Arch]:
        if self._table is None:
            raise ConfigError(f"{self.whole_space} is not enumerated; keep to its benchmark table with "
                              "--space-opt table_only=true")
        return iter(self._table_cells())

    def enumerated_hashes(self) -> list[str]:
        if self._table is None:
            return super().enumerated_hashes()  # enumerate's refusal
        return self._table_hashes()
