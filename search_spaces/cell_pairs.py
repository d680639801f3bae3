"""What the DARTS space and the NDS families do alike with cells of ``(input, op)`` pairs, two per intermediate node.

A cell's canonical order, its one-edit neighbours and its one-hot encoding are the same for both
spaces but for one rule: a DARTS node's two inputs differ, while NDS draws each input on its own
(``distinct_inputs``). One implementation here keeps the two spaces from drifting apart, as
:mod:`.cell_pair_graph` does for their graph encoding and :mod:`.cell_pair_network` for their network.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .cell_numbering import Cell


def canonical_cell(cell: Cell) -> Cell:
    """Each node's two pairs in sorted order: a node sums its two ops, so their order is not part of the network."""
    return tuple(p for node in range(len(cell) // 2) for p in sorted(cell[2 * node:2 * node + 2]))


def cell_edits(cells: Sequence[Cell], ops: int, distinct_inputs: bool) -> list[tuple[int, Cell]]:
    """``(index of the cell, the edited cell)`` for every edit of one pair of ``cells``: its op changed to another of
    ``ops``, or its input moved to another one its node may read (with ``distinct_inputs``, not to the input its
    node's other pair reads). Cell by cell, pair by pair, op edits before input edits: the order neighbours keep."""
    out = []
    for c, cell in enumerate(cells):
        for i, (source, op) in enumerate(cell):
            taken = (source, cell[i ^ 1][0]) if distinct_inputs else (source,)
            edits = [(source, o) for o in range(ops) if o != op]
            edits += [(s, op) for s in range(i // 2 + 2) if s not in taken]
            out += [(c, cell[:i] + (pair,) + cell[i + 1:]) for pair in edits]
    return out


def pairs_onehot(cells: Sequence[Cell], nodes: int, ops: int) -> np.ndarray:
    """Per cell and pair, its input (0..``nodes``) and its op (0..``ops`` - 1) one-hot, flattened. Give canonical
    cells (:func:`canonical_cell`), so that a node's two orders encode alike."""
    inputs = nodes + 1  # the most inputs a node can read: the last node reads the two cell inputs and every other node
    out = np.zeros((len(cells), 2 * nodes, inputs + ops), dtype=np.float32)
    for c, cell in enumerate(cells):
        for i, (source, op) in enumerate(cell):
            out[c, i, source] = out[c, i, inputs + op] = 1.0
    return out.ravel()
