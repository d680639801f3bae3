"""NAS-Bench-201's cell: its operations, its edges, and the conversions public files need.

A cell is a tuple of six op indices into :data:`OPS`, on the edges in the order of the NB201
string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`` (see :data:`EDGES`).
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Sequence

import numpy as np

from ...engine.errors import ArchitectureError
from ..cell_space import Cell, CellSpec, cell_index, cell_indices

OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
NUM_NODES = 4
NONE, SKIP = 0, 1
SPEC = CellSpec(OPS, EDGES, none=NONE, skip=SKIP)
NUM_CELLS = SPEC.size

@lru_cache(maxsize=NUM_CELLS)
def cell_text(cell: Cell) -> str:
    """The NB201 string of a cell; cached because the loop and strategy states format constantly."""
    nodes = []
    for target in range(1, NUM_NODES):
        parts = [f"{OPS[op]}~{src}" for (src, dst), op in zip(EDGES, cell) if dst == target]
        nodes.append("|" + "|".join(parts) + "|")
    return "+".join(nodes)


# NASLib numbers ops differently and orders edges by source node; the tables and proxy files
# published through NASLib use that convention.
NASLIB_OPS: tuple[str, ...] = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
NASLIB_EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
_NASLIB_EDGE_POS = tuple(NASLIB_EDGES.index(e) for e in EDGES)
_NASLIB_TO_OURS = tuple(OPS.index(name) for name in NASLIB_OPS)


def cell_code(cell: Cell) -> int:
    """The cell's position in base-5 enumeration order (first edge most significant): its table row."""
    return cell_index(SPEC, cell)


def cell_codes(cells: Sequence[Cell]) -> np.ndarray:
    """:func:`cell_code` of each cell, as an int64 array (:func:`~..cell_space.cell_indices`)."""
    return cell_indices(SPEC, cells)


@lru_cache(maxsize=1)
def codes_by_text() -> dict[str, int]:
    """Each cell's NB201 string → its code. A whole-space file's rows are looked up here: parsing each of its 15,625
    strings was 40 us a row of every process's first read (a string written otherwise is still parsed)."""
    return {cell_text(cell): code for code, cell in enumerate(itertools.product(range(len(OPS)), repeat=len(EDGES)))}


def from_naslib(op_indices: tuple[int, ...] | list[int]) -> Cell:
    """Convert NASLib's op-index tuple (its op numbering and edge order) into ours."""
    if len(op_indices) != len(EDGES):
        raise ArchitectureError(f"a NASLib NB201 cell has 6 op indices, got {len(op_indices)}")
    return tuple(_NASLIB_TO_OURS[int(op_indices[pos])] for pos in _NASLIB_EDGE_POS)
