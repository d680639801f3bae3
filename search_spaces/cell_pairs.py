"""What the DARTS space and the NDS families do alike with cells of ``(input, op)`` pairs, two per intermediate node.

A cell's check, its canonical order, its one-edit neighbours and its one-hot encoding are the same
for both spaces but for one rule: a DARTS node's two inputs differ, while NDS draws each input on
its own (``distinct_inputs``). One implementation here keeps the two spaces from drifting apart, as
:mod:`.cell_pair_graph` does for their graph encoding and :mod:`.cell_pair_network` for their network.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..engine.errors import ArchitectureError
from .cell_numbering import Cell


def is_int(value: Any) -> bool:
    """Whether ``value`` is an integer, numpy's included; a bool is not (``True`` read as input 1 hid a mistake)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_cell(cell: Any, name: str, ops: Sequence[str], nodes: int, space: str, *, distinct_inputs: bool,
               first_node: int, where: str = "") -> Cell:
    """``cell`` as a tuple of ``nodes`` x 2 (input, op index) pairs of Python ints, or one line (after ``where``)
    saying what is wrong. ``space`` names the architecture ("a DARTS", "an NDS pnas"); ``first_node`` is the number
    messages give a cell's first node: DARTS numbers nodes as the inputs they are read as (from 2), NDS from 0."""
    if not isinstance(cell, (tuple, list)) or len(cell) != 2 * nodes:
        raise ArchitectureError(f"{where}the {name} cell of {space} architecture must list {2 * nodes} (input, op) "
                                f"pairs, two per node; got {str(cell)[:80]}")
    pairs = []
    for i, pair in enumerate(cell):
        if type(pair) is tuple and len(pair) == 2 and type(pair[0]) is int and type(pair[1]) is int:
            source, op = pair  # the space's own cells, checked first: a table's lookups check ~100,000 neighbours
        elif not isinstance(pair, (tuple, list)) or len(pair) != 2 or not all(map(is_int, pair)):
            raise ArchitectureError(f"{where}the {name} cell's pair {i} must be (input, op index), got {pair!r}")
        else:
            source, op = int(pair[0]), int(pair[1])
        if not 0 <= op < len(ops):
            raise ArchitectureError(f"{where}the {name} cell's pair {i} has op {op}; ops are 0..{len(ops) - 1} "
                                    f"({', '.join(f'{k}={o}' for k, o in enumerate(ops))})")
        if not 0 <= source < i // 2 + 2:
            raise ArchitectureError(f"{where}node {i // 2 + first_node} of the {name} cell reads input "
                                    f"{_shown(source)}; it may read 0..{i // 2 + 1} (the cell inputs 0 and 1 and the "
                                    "nodes before it, numbered as inputs from 2)")
        pairs.append((source, op))
    if distinct_inputs:
        for node in range(nodes):
            if pairs[2 * node][0] == pairs[2 * node + 1][0]:
                raise ArchitectureError(f"{where}node {node + first_node} of the {name} cell reads input "
                                        f"{pairs[2 * node][0]} twice; {space} node has two different inputs")
    return tuple(pairs)


def _shown(number: int) -> str:
    """``number`` as a message shows it: by its size where it is huge (a hostile file's input of one past 10**308
    overflowed when written as a float)."""
    if abs(number) < 10**6:
        return str(number)
    if abs(number) < 10**300:
        return f"{number:.1e}"
    return f"{'-' * (number < 0)}about 10^{int(abs(number).bit_length() * 0.30103)}"


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
