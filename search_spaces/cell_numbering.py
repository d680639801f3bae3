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
from itertools import permutations

Cell = tuple[tuple[int, int], ...]


@lru_cache(maxsize=1 << 16)
def smallest_numbering(cell: Cell) -> Cell:
    """The smallest (as a tuple) of the cell's numberings that keep every node after the nodes it reads."""
    nodes = len(cell) // 2
    reads = [{source - 2 for source, _ in cell[2 * node:2 * node + 2] if source >= 2} for node in range(nodes)]
    best: Cell | None = None  # the cell's own numbering is one of them: the loop sets it
    for order in permutations(range(nodes)):  # order[new] = old; at most 5! = 120 (NDS), most not topological
        number = {old: new for new, old in enumerate(order)}
        if any(number[read] >= new for new, old in enumerate(order) for read in reads[old]):
            continue
        pairs = tuple(pair for old in order for pair in sorted(
            (source if source < 2 else 2 + number[source - 2], op) for source, op in cell[2 * old:2 * old + 2]))
        if best is None or pairs < best:
            best = pairs
    return best  # type: ignore[return-value]
