"""``smallest_numbering`` takes the smallest ready node's pairs next and branches on ties only: it still gives the
smallest of all the numberings that keep each node after the nodes it reads, which every order of the nodes shows."""
from __future__ import annotations

import itertools
import random

from nasloop.search_spaces.cell_numbering import Cell, smallest_numbering


def _every_numbering(cell: Cell) -> Cell:
    """The smallest numbering found by trying every order of the nodes (5! at most), keeping the topological ones."""
    nodes = len(cell) // 2
    found = []
    for order in itertools.permutations(range(nodes)):
        number = {node: rank for rank, node in enumerate(order)}
        if all(s < 2 or number[s - 2] < number[node] for node in order for s, _ in cell[2 * node:2 * node + 2]):
            found.append(tuple(pair for node in order for pair in sorted(
                (s if s < 2 else 2 + number[s - 2], op) for s, op in cell[2 * node:2 * node + 2])))
    return min(found)


def _cells(count: int) -> list[Cell]:
    """Cells of 1 to 5 nodes over few ops, so that many nodes tie (the same pairs), read and unread alike."""
    rng = random.Random(17)
    cells = []
    for _ in range(count):
        nodes, ops = rng.randint(1, 5), rng.choice((1, 2, 3, 8))
        cells.append(tuple((rng.randrange(node + 2), rng.randrange(ops)) for node in range(nodes) for _ in range(2)))
    return cells


def test_the_smallest_numbering_is_the_smallest_of_every_order():
    cells = _cells(3_000)
    assert sum(len(set(c[0::2]) | set(c[1::2])) < len(c) // 2 for c in cells) > 100  # ties between whole nodes
    for cell in cells:
        assert smallest_numbering.__wrapped__(cell) == _every_numbering(cell), cell


def test_nodes_of_the_same_pairs_read_by_different_nodes_are_both_tried():
    """Nodes 0 and 1 read the cell's inputs alike; node 2 reads node 1 beside input 0, node 3 reads node 0 beside
    input 1: the smallest numbering puts node 1 first (state 2, so node 2 reads (2, 5) and comes next), which taking
    the first of the tied nodes alone misses (node 0 first: node 1 then, and node 2 reads (3, 5))."""
    cell = ((0, 1), (1, 1), (0, 1), (1, 1), (3, 5), (0, 0), (2, 0), (1, 0))
    assert smallest_numbering.__wrapped__(cell) == _every_numbering(cell)
    assert smallest_numbering.__wrapped__(cell) == ((0, 1), (1, 1), (0, 0), (2, 5), (0, 1), (1, 1), (1, 0), (4, 0))
