"""The DARTS / NAS-Bench-301 search space (``--space darts``): a normal and a reduction cell.

About 10^18 architectures (per cell 180 input choices x 7^8 op choices, up to the order of each
node's two inputs), so the space is searched by sampling, mutation and neighbourhoods, never
enumerated. With the tabular evaluator it keeps to the 725 cells of the NB301 table
(``table_only``, on by default then), the way NB101 keeps to its table; with proxies or real
training the whole space is open. ``to_module`` builds the DARTS evaluation network (``channels``
C and ``layers``: 36 and 20 as in DARTS; smaller for CPU work). NB301's own runs, and so the
table's stored params, flops and proxies, are of its smaller training network, 32 channels and 8
cells: proxies a run computes are of the network the space builds, not of that one.

Encodings: ``onehot`` (per cell and node, each of the two pairs in sorted order: its input and
its op, one-hot) and ``graph``, the unified ops-on-nodes form of both cells: the input, the
normal cell's eight op nodes and its concatenation, the reduction cell's eight and its
concatenation, the output (:mod:`..cell_pair_graph`, shared with the NDS families).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.context import RunContext
from ...engine.options import CellStackDepth, Width
from ...engine.registry import register_search_space
from ..base import GraphEncoding, NetworkSpace
from ..cell_pair_graph import cell_pair_graph
from ..cell_pairs import pairs_onehot
from ..table_bound import TableBoundSpace
from ..network_options import checked_classes
from .benchmark import NB301Benchmark
from .genotype import (NODES, OPS, DartsArch, canonical_arch, check_arch, format_arch, functional_arch, mutate_arch,
                       neighbours, output_nodes, parse_arch, sample_arch)


@register_search_space("darts")
class DartsSpace(TableBoundSpace, NetworkSpace):
    """DARTS / NAS-Bench-301 normal and reduction cells; ``table_only`` keeps to the NB301 table's cells of the task."""

    name = "darts"
    size_options = ("channels", "layers")
    vector_encodings = ("onehot",)
    near_encoding = "onehot"
    edits_are_neighbours = True
    graph_encodings = ("graph",)
    graph_ops = ("input", *OPS, "concat", "output")
    same_ops = {"input": "input", "output": "output", "max_pool_3x3": "max_pool3x3", "avg_pool_3x3": "avg_pool3x3",
                "skip_connect": "skip", "sep_conv_3x3": "sep_conv3x3", "sep_conv_5x5": "sep_conv5x5",
                "dil_conv_3x3": "dil_conv3x3", "dil_conv_5x5": "dil_conv5x5", "concat": "concat"}
    benchmark = "nb301"
    whole_space = "the full DARTS space (~10^18 architectures)"
    table_is_a_sliver = True

    def __init__(self, context: RunContext | None = None, table_only: bool | None = None, channels: Width = 36,
                 layers: CellStackDepth = 20) -> None:
        context = context or RunContext()
        self.channels, self.layers = channels, layers
        self._task = context.dataset
        self._bind_table(context, table_only, lambda: NB301Benchmark(context.data_dir))

    # --- string form and identity ----------------------------------------------------------------
    def parse(self, text: str) -> DartsArch:
        return parse_arch(text)

    def format(self, arch: DartsArch) -> str:
        return format_arch(self.validate(arch))

    def validate(self, arch: Any) -> DartsArch:
        return check_arch(arch)

    def hash(self, arch: DartsArch) -> str:
        return format_arch(self.validate(arch))

    def functional_hash(self, arch: DartsArch) -> str:
        """The genotype with each node's pairs sorted and the nodes in the smallest of their orders that build the
        same network (:mod:`..cell_numbering`); encodings keep the written order, in which one edit is one change."""
        return format_arch(functional_arch(self.validate(arch)))

    def canonical(self, arch: DartsArch) -> DartsArch:
        """Each node's two (input, op) pairs in sorted order: the node sums them, so order is not function."""
        return canonical_arch(self.validate(arch))

    # --- the whole space (TableBoundSpace keeps to the table when bound) ------------------------
    def _sample_anywhere(self, rng: np.random.Generator) -> DartsArch:
        return sample_arch(rng)

    def _edit(self, arch: DartsArch, rng: np.random.Generator) -> DartsArch:
        """An op or an input of one pair: a uniform neighbour. The table holds 725 of ~10^18
        architectures, so bound to it a mutation draws from the held neighbours, or takes one of the
        table's nearest cells where it holds none (see :mod:`..table_bound`)."""
        return mutate_arch(arch, rng)

    def _neighbours_anywhere(self, arch: DartsArch) -> list[DartsArch]:
        return neighbours(arch)

    def _held(self, archs: list[DartsArch]) -> np.ndarray:
        return self._table.holds(archs, self._task, checked=True)  # the neighbours of a checked cell

    def _table_cells(self) -> list[DartsArch]:
        cells = self.__dict__.get("_task_cells")
        if cells is None:
            cells = self.__dict__["_task_cells"] = self._table.task_cells(self._task)
        return cells

    # --- encodings and networks ------------------------------------------------------------------
    def _encode(self, arch: DartsArch, kind: str) -> Any:
        arch = self.canonical(arch)
        if kind == "onehot":
            return pairs_onehot(arch, NODES, len(OPS))
        return self._graph(arch)

    def _graph(self, arch: DartsArch) -> GraphEncoding:
        return cell_pair_graph(arch, OPS.__getitem__, output_nodes, self.token)

    def to_module(self, arch: DartsArch, num_classes: int = 10):
        """DARTS' evaluation network at ``channels`` and ``layers``: the NDS networks' builder given the DARTS ops
        (:mod:`..cell_pair_network`), so ``nds-darts`` at the same width and depth builds this very module."""
        from ..cell_pair_network import CellPairNetwork

        classes = checked_classes(num_classes)
        return CellPairNetwork(self.validate(arch), OPS, output_nodes, self.channels, self.layers, num_classes=classes)
