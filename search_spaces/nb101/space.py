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
from typing import Any

import numpy as np

from ...engine.context import RunContext
from ...engine.errors import ArchitectureError
from ...engine.options import Depth, Width
from ...engine.registry import register_search_space
from ..base import GraphEncoding, NetworkSpace
from ..table_bound import TableBoundSpace
from ..network_options import checked_classes
from .arch_forms import lookup_hash, parse_text
from .benchmark import NB101Benchmark
from .cost import canonical_cell
from .graph import (MEMO_SIZE, OPS, NB101Cell, adjacency_onehot, cell_hash, format_cell, graph_nodes_edges, make_cell,
                    mutate_cell, neighbours, path_encoding, sample_cell)


@register_search_space("nb101")
class NB101Space(TableBoundSpace, NetworkSpace):
    """The NAS-Bench-101 cell space.

    ``table_only`` keeps to the cells of the benchmark table (default: when the evaluator answers
    from the table). ``stem_channels``, ``stacks`` and ``cells`` size the network
    :meth:`to_module` builds (the benchmark's 128, 3 and 3 by default).
    """

    name = "nb101"
    size_options = ("stem_channels", "stacks", "cells")
    vector_encodings = ("path", "adjacency")
    near_encoding = "adjacency"
    graph_encodings = ("graph",)
    graph_ops = ("input", *OPS, "output")
    same_ops = {"input": "input", "output": "output", "conv3x3-bn-relu": "conv3x3", "conv1x1-bn-relu": "conv1x1",
                "maxpool3x3": "max_pool3x3"}
    benchmark = "nb101"
    whole_space = "the full NB101 space (423,624 cells)"
    mutation_tries = 200  # then a random table neighbour

    def __init__(self, context: RunContext | None = None, table_only: bool | None = None,
                 stem_channels: Width = 128, stacks: Depth = 3, cells: Depth = 3) -> None:
        context = context or RunContext()
        self.stem_channels, self.stacks, self.cells = stem_channels, stacks, cells
        self._data_dir = context.data_dir
        self._bind_table(context, table_only, lambda: NB101Benchmark(context.data_dir))

    # --- string form and identity ----------------------------------------------------------------
    def parse(self, text: str) -> NB101Cell:
        """``op(sources)`` terms, the benchmark's ``{"matrix": ..., "ops": ...}``, or a graph hash of the table."""
        return parse_text(text, lambda key: lookup_hash(key, NB101Benchmark(self._data_dir) if self._table is None
                                                        else self._table))

    def format(self, arch: NB101Cell) -> str:
        return format_cell(self.validate(arch))

    def validate(self, arch: Any) -> NB101Cell:
        if not isinstance(arch, NB101Cell):
            raise ArchitectureError(f"an NB101 architecture is an NB101Cell (matrix and ops), got {arch!r}")
        return _validated(arch)

    def hash(self, arch: NB101Cell) -> str:
        return cell_hash(self.validate(arch))  # checked: None failed in Python's words (no attribute 'num_nodes')

    def canonical(self, arch: NB101Cell) -> NB101Cell:
        """The cell in the numbering the benchmark trained it with (isomorphic cells become equal)."""
        return _canonical(self.validate(arch))

    # --- the whole space (TableBoundSpace keeps to the table when bound) ------------------------
    def _sample_anywhere(self, rng: np.random.Generator) -> NB101Cell:
        return sample_cell(rng)

    def _edit(self, arch: NB101Cell, rng: np.random.Generator) -> NB101Cell:
        """Edge flips and op changes, NASLib-style. The table holds 7 % of the space, so most
        table-bound edits leave it and are redrawn."""
        return mutate_cell(arch, rng)

    def _neighbours_anywhere(self, arch: NB101Cell) -> list[NB101Cell]:
        return neighbours(arch)

    # --- the table: counted and hashed by its rows, a sample built alone: none builds the 30,001 cells ---------
    def _table_count(self) -> int:
        return self._table.cell_count()

    def _table_cell(self, index: int) -> NB101Cell:
        return self._table.cell(index)

    def _table_hashes(self) -> list[str]:
        return self._table.cell_hashes()

    # --- encodings and networks ------------------------------------------------------------------
    def _encode(self, arch: NB101Cell, kind: str) -> Any:
        arch = self.validate(arch)
        if kind == "path":
            return path_encoding(arch)
        if kind == "adjacency":
            return adjacency_onehot(arch)
        labels, edges = graph_nodes_edges(arch)
        return GraphEncoding(ops=tuple(self.token(op) for op in labels), edges=edges)

    def to_module(self, arch: NB101Cell, num_classes: int = 10):
        from .network import build_nb101_network

        classes = checked_classes(num_classes)
        return build_nb101_network(self.validate(arch), num_classes=classes, stem_channels=self.stem_channels,
                                   stacks=self.stacks, cells_per_stack=self.cells)


@lru_cache(maxsize=MEMO_SIZE)
def _validated(cell: NB101Cell) -> NB101Cell:
    """``cell`` checked and pruned as :func:`make_cell` does; memoised, since the loop checks every proposal (74 us
    each, 0.6 us remembered), as the hash memo is (:data:`~.graph.MEMO_SIZE`). A cell already pruned is given back
    itself, so the memo holds no second copy of it (1 KB a cell: a predictor ranking the 30k table validates all)."""
    pruned = make_cell(cell.matrix, cell.ops)
    return cell if pruned == cell and _as_built(cell) else pruned


@lru_cache(maxsize=MEMO_SIZE)
def _canonical(cell: NB101Cell) -> NB101Cell:
    """:func:`canonical_cell` of a validated cell, memoised as the hash is (:data:`~.graph.MEMO_SIZE`): FLAN reads
    the canonical form of every table cell once per model vocabulary (a pretrained file's, a blend member's, the
    space's own), each time 2.3 s of trying a cell's numberings for NB101's 30,001. A cell already in its canonical
    numbering (29,202 of the table's) is given back itself, so the memo holds no second copy of it."""
    found = canonical_cell(cell)
    return cell if found == cell else found


def _as_built(cell: NB101Cell) -> bool:
    """Whether ``cell`` holds plain ints in plain tuples, as :func:`make_cell` builds them: one equal to its pruned
    form but of numpy ints or bools would write its hash and string in their reprs."""
    rows = cell.matrix
    return (type(cell) is NB101Cell and type(rows) is tuple and type(cell.ops) is tuple
            and all(type(row) is tuple and all(type(v) is int for v in row) for row in rows)
            and all(type(op) is int for op in cell.ops))
