"""NAS-Bench-101 (Ying et al., ICML 2019): cells of up to 7 nodes and 9 edges, three ops.

An architecture is an :class:`~.graph.NB101Cell` (the pruned adjacency matrix and the middle
nodes' ops). Its identity is the benchmark's own iterative-md5 graph hash, which is
isomorphism-invariant, so ``hash`` is already the functional hash and two numberings of one
graph are one architecture. The string form lists each node with its inputs
(``conv3x3(0)+maxpool3x3(1)+conv1x1(0,2)+output(2,3)``).

With the tabular evaluator the space is the benchmark table's cells (``table_only``, on by
default then): the shipped table holds 30,001 of the 423,624 cells, so sampling draws from it,
mutation and neighbours stay inside it, and guided strategies rank it whole. With real training
or proxies, the whole space is searched.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

import numpy as np

from ...engine.context import RunContext
from ...engine.errors import ArchitectureError, ConfigError
from ...engine.options import Depth, Width
from ...engine.registry import register_search_space
from ..base import EnumerableSpace, GraphEncoding, NeighbourhoodSpace, NetworkSpace
from ..table_bound import mutate_within
from .benchmark import NB101Benchmark
from .cost import canonical_cell
from .graph import (OPS, NB101Cell, adjacency_onehot, format_cell, graph_nodes_edges, make_cell, mutate_cell,
                    neighbours, parse_cell, path_encoding, sample_cell)
from .identity import cell_hash

MUTATION_TRIES = 200  # random edits tried before a table-bound mutation falls back to a table neighbour


@register_search_space("nb101")
class NB101Space(EnumerableSpace, NeighbourhoodSpace, NetworkSpace):
    """The NAS-Bench-101 cell space.

    ``table_only`` keeps to the cells of the benchmark table (default: when the evaluator answers
    from the table). ``stem_channels``, ``stacks`` and ``cells`` size the network
    :meth:`to_module` builds (the benchmark's 128, 3 and 3 by default).
    """

    name = "nb101"
    vector_encodings = ("path", "adjacency")
    graph_encodings = ("graph",)
    graph_ops = ("input", *OPS, "output")
    same_ops = {"input": "input", "output": "output", "conv3x3-bn-relu": "conv3x3", "conv1x1-bn-relu": "conv1x1",
                "maxpool3x3": "max_pool3x3"}
    benchmark = "nb101"

    def __init__(self, context: RunContext | None = None, table_only: bool | None = None,
                 stem_channels: Width = 128, stacks: Depth = 3, cells: Depth = 3) -> None:
        context = context or RunContext()
        self.table_only = context.lookup if table_only is None else table_only
        self.stem_channels, self.stacks, self.cells = stem_channels, stacks, cells
        self._table: NB101Benchmark | None = None
        if self.table_only:
            self._table = context.benchmark or NB101Benchmark(context.data_dir)

    # --- string form and identity ----------------------------------------------------------------
    def parse(self, text: str) -> NB101Cell:
        return parse_cell(text)

    def format(self, arch: NB101Cell) -> str:
        return format_cell(self.validate(arch))

    def validate(self, arch: Any) -> NB101Cell:
        if not isinstance(arch, NB101Cell):
            raise ArchitectureError(f"an NB101 architecture is an NB101Cell (matrix and ops), got {arch!r}")
        return _validated(arch)

    def hash(self, arch: NB101Cell) -> str:
        return cell_hash(arch)

    def canonical(self, arch: NB101Cell) -> NB101Cell:
        """The cell in the numbering the benchmark trained it with (isomorphic cells become equal)."""
        return canonical_cell(arch)

    # --- drawing and moving ------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> NB101Cell:
        if self._table is None:
            return sample_cell(rng)
        cells = self._table.cells()
        return cells[int(rng.integers(len(cells)))]

    def mutate(self, arch: NB101Cell, rng: np.random.Generator) -> NB101Cell:
        """A random edit (edge flips and op changes, NASLib-style); kept inside the table when bound to it.

        In the table (7% of the space) most edits leave it, so edits are redrawn; if none of
        :data:`MUTATION_TRIES` lands in the table, a random table neighbour (or a random table cell,
        for a cell with none) is taken instead.
        """
        if self._table is None:
            return mutate_cell(arch, rng)
        return mutate_within(lambda: mutate_cell(arch, rng), lambda child: self._table.holds([child])[0],
                             lambda: self._table_neighbour(arch, rng), MUTATION_TRIES)

    def _table_neighbour(self, arch: NB101Cell, rng: np.random.Generator) -> NB101Cell:
        near = self.neighbours(arch)
        return near[int(rng.integers(len(near)))] if near else self.sample(rng)

    def neighbours(self, arch: NB101Cell) -> list[NB101Cell]:
        near = neighbours(arch)
        if self._table is None:
            return near
        return [cell for cell, held in zip(near, self._table.holds(near)) if held]

    @property
    def size(self) -> int | None:
        """The table's cell count when bound to it; the full space is not enumerated (423,624 cells)."""
        return None if self._table is None else len(self._table.cells())

    def enumerate(self) -> Iterator[NB101Cell]:
        if self._table is None:
            raise ConfigError("the full NB101 space (423,624 cells) is not enumerated; keep to the benchmark "
                              "table with --space-opt table_only=true")
        return iter(self._table.cells())

    # --- encodings and networks ------------------------------------------------------------------
    def _encode(self, arch: NB101Cell, kind: str) -> Any:
        if kind == "path":
            return path_encoding(arch)
        if kind == "adjacency":
            return adjacency_onehot(arch)
        labels, edges = graph_nodes_edges(arch)
        return GraphEncoding(ops=tuple(self.token(op) for op in labels), edges=edges)

    def to_module(self, arch: NB101Cell, num_classes: int = 10):
        from .network import build_nb101_network

        return build_nb101_network(self.validate(arch), num_classes=num_classes, stem_channels=self.stem_channels,
                                   stacks=self.stacks, cells_per_stack=self.cells)


@lru_cache(maxsize=1 << 17)
def _validated(cell: NB101Cell) -> NB101Cell:
    """``cell`` checked and pruned as :func:`make_cell` does; memoised, since the loop checks every proposal."""
    return make_cell(cell.matrix, cell.ops)
