"""The unified graph of a pair of DARTS-style cells (a normal and a reduction cell), for any node count.

Nodes are ops: the input, each cell's op nodes (one per (input, op) pair, two per intermediate
node) and its concatenation, then the output. A normal-cell op reads the input; a reduction-cell
op reading cell input 0 reads the input (the cell before the previous one) and input 1 the normal
cell's concatenation; an op reading intermediate node j reads j's two op nodes, which are summed.
A concatenation reads the op nodes of the cell's output nodes. The DARTS space and the NDS
families share it, so their graphs agree wherever their cells do.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .base import GraphEncoding

Pairs = Sequence[tuple[int, int]]  # (input, op index), two per intermediate node


def cell_pair_graph(cells: Sequence[Pairs], op_name: Callable[[int], str], output_nodes: Callable[[Pairs], list[int]],
                    token: Callable[[str], str]) -> GraphEncoding:
    """The graph of ``cells`` (normal, reduce); ``output_nodes`` gives the states (2 + node) a cell concatenates."""
    ops = [token("input")]
    links: list[tuple[int, int]] = []
    inputs = (0, 0)  # what cell inputs 0 and 1 are: the input node for the normal cell
    for cell in cells:
        first = len(ops)  # op node of pair i is first + i
        for i, (source, op) in enumerate(cell):
            ops.append(token(op_name(op)))
            feeders = [inputs[source]] if source < 2 else [first + 2 * (source - 2), first + 2 * (source - 2) + 1]
            links += [(f, first + i) for f in feeders]
        ops.append(token("concat"))
        concat = len(ops) - 1
        links += [(first + 2 * (n - 2) + k, concat) for n in output_nodes(cell) for k in (0, 1)]
        inputs = (0, concat)  # the reduction cell reads the input (two cells back) and the normal cell
    ops.append(token("output"))
    links.append((len(ops) - 2, len(ops) - 1))
    return GraphEncoding(ops=tuple(ops), edges=np.asarray(sorted(set(links)), dtype=np.int64).T)
