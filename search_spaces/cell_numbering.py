"""One numbering of a DARTS-style cell's intermediate nodes for all the numberings of one network (DARTS, NDS).

A cell lists two ``(input, op)`` pairs per intermediate node; node j is state 2 + j and reads the
cell inputs (0, 1) and earlier nodes only. Two nodes neither of which reads the other may be
written in either order: numbered the other way, each keeping its pairs and every reader of it
renumbered, the cell builds the same network with its output's channels permuted, which the next
cells' 1x1 convolutions and the classifier read in any order. A third of random DARTS cells have
such a pair (node 3 not reading node 2), yet their two genotypes had two functional hashes, so
``--dedup functional`` evaluated one network twice. :func:`smallest_numbering` is the same for
every numbering of a cell (each node's pairs sorted, as a node sums them).
"""
from __future__ import annotations

from functools import lru_cache

Pair = tuple[int, int]
Cell = tuple[Pair, ...]

NUMBERINGS = 1 << 13
"""How many cells :func:`smallest_numbering` keeps. Kept for 65,536, it held up to 81 MB for the rest of the process
(tracemalloc: 1.2 kB a cell whose tuples nothing else holds); at this bound 10 MB. The cells that come back are
recent ones (an evolution's parents' neighbours share a parent's other cell): the tests' 700-evaluation NB301
evolution found 65,340 of its 96,088 numberings kept, 66,773 with the old bound."""


@lru_cache(maxsize=NUMBERINGS)
def smallest_numbering(cell: Cell) -> Cell:
    """The smallest (as a tuple) of the cell's numberings that keep every node after the nodes it reads.

    Built node by node: each node adds its two pairs, a block of fixed length, so the smallest numbering takes next
    a ready node (its inputs all numbered) whose block is the smallest of the ready ones, and only a tie branches:
    nodes of the same pairs read by different nodes (of tied nodes no node reads, any one is tried: swapped, they
    give the same tuple). A prefix already above the best complete numbering is dropped. Trying every ready node in
    turn took 24 steps for a cell of 4 nodes that read only the cell's inputs; this takes 4."""
    nodes = len(cell) // 2
    reads = [frozenset(s - 2 for s, _ in cell[2 * n:2 * n + 2] if s >= 2) for n in range(nodes)]
    read = frozenset().union(*reads)
    best: list[Cell] = []

    def extend(number: dict[int, int], prefix: Cell) -> None:
        if len(number) == nodes:
            if not best or prefix < best[0]:
                best[:] = [prefix]
            return
        blocks = {node: tuple(sorted((s if s < 2 else 2 + number[s - 2], op) for s, op in cell[2 * node:2 * node + 2]))
                  for node in range(nodes) if node not in number and reads[node] <= number.keys()}
        if not blocks:  # a node reads itself or a later one: no numbering (the cell's own check names it)
            return
        low = min(blocks.values())
        longer = prefix + low
        if best and longer > best[0][:len(longer)]:
            return  # every numbering starting so is larger than the best one
        tied = [node for node, block in blocks.items() if block == low]
        for node in [node for node in tied if node in read] + [node for node in tied if node not in read][:1]:
            extend({**number, node: len(number)}, longer)

    extend({}, ())
    return best[0]
