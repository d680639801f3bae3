"""NAS-Bench-201: a 4-node cell with one of 5 operations on each of its 6 edges (15,625 cells).

An architecture is a tuple of six op indices into :data:`~.cell.OPS`. The canonical string is the
NB201 string; ``parse`` also reads the comma-separated index form (``3,3,0,1,3,2``). Everything
that follows from the cell's shape (sampling, neighbours, functional identity, encodings) is the
shared :class:`~nasloop.search_spaces.cell_space.CellSpace`.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...engine.errors import ArchitectureError
from ...engine.options import Depth, Width
from ...engine.registry import register_search_space
from ..cell_space import Cell, CellSpace, checked_cell
from ..network_options import checked_classes
from .cell import NUM_NODES, OPS, SPEC, cell_text

if TYPE_CHECKING:  # torch is imported where a network is built
    import torch

_INDEX_FORM = re.compile(r"^\(?\s*\d+(\s*,\s*\d+)*\s*,?\s*\)?$")
_NODE_FORM = re.compile(r"^\|(.*)\|$")


@register_search_space("nb201")
class NB201Space(CellSpace):
    """The NAS-Bench-201 cell space (Dong & Yang, ICLR 2020).

    ``channels`` (C) and ``cells`` (N, cells per stage) size the network :meth:`to_module`
    builds; the benchmark trained C=16, N=5, and small values make CPU runs quick.
    """

    name = "nb201"
    size_options = ("channels", "cells")
    spec = SPEC
    graph_ops = ("input", *OPS, "output")
    same_ops = {"input": "input", "output": "output", "none": "none", "skip_connect": "skip", "nor_conv_1x1": "conv1x1",
                "nor_conv_3x3": "conv3x3", "avg_pool_3x3": "avg_pool3x3"}
    benchmark = "nb201"

    def __init__(self, channels: Width = 16, cells: Depth = 5) -> None:
        self.channels, self.cells = channels, cells

    def parse(self, text: str) -> Cell:
        if not isinstance(text, str):
            raise ArchitectureError(f"an NB201 architecture is a string, got {type(text).__name__}")
        text = text.strip()
        if _INDEX_FORM.match(text):
            cell = tuple(int(t) for t in text.strip("()").replace(" ", "").rstrip(",").split(","))
            try:
                return checked_cell(SPEC, cell)
            except ArchitectureError:
                raise ArchitectureError(f"'{text}' is not an NB201 cell: expected 6 op indices in 0..4 "
                                        f"({', '.join(f'{i}={n}' for i, n in enumerate(OPS))})") from None
        nodes = text.split("+")
        if len(nodes) != NUM_NODES - 1:
            raise ArchitectureError(
                f"'{text}' is not an NB201 cell: expected 3 nodes joined by '+' as in "
                f"|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|, "
                f"got {len(nodes)}")
        cell: list[int] = []
        for target, node in enumerate(nodes, start=1):
            match = _NODE_FORM.match(node)
            parts = match.group(1).split("|") if match else []
            if len(parts) != target:
                raise ArchitectureError(f"'{text}' is not an NB201 cell: node {target} must list {target} "
                                        f"input(s) as |op~0|...|, got '{node}'")
            for source, part in enumerate(parts):
                op, _, src = part.partition("~")
                if src != str(source):
                    raise ArchitectureError(f"'{text}' is not an NB201 cell: input {source} of node {target} "
                                            f"must be written '{op}~{source}', got '{part}'")
                if op not in OPS:
                    raise ArchitectureError(f"'{text}' is not an NB201 cell: unknown operation '{op}'; "
                                            f"operations are {', '.join(OPS)}")
                cell.append(OPS.index(op))
        # String order lists node 1's, then node 2's, then node 3's inputs: exactly EDGES' order.
        return tuple(cell)

    def format(self, arch: Cell) -> str:
        return cell_text(self.validate(arch))

    def to_module(self, arch: Cell, num_classes: int = 10) -> "torch.nn.Module":
        from .network import build_nb201_network

        classes = checked_classes(num_classes)
        return build_nb201_network(self.validate(arch), num_classes=classes, channels=self.channels,
                                   cells_per_stage=self.cells)
