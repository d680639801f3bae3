"""Exact parameter and FLOP counts of NAS-Bench-101 networks, without building them (no torch).

The network is the one NAS-Bench-101 trained (google-research/nasbench ``model_builder.py``) and
:func:`nasloop.search_spaces.nb101.network.build_nb101_network` builds: a conv3x3-BN-ReLU stem,
``stacks`` stacks of ``cells_per_stack`` cells with a 2x2 stride-2 max-pool and channel doubling
before every stack but the first, global average pooling and a linear classifier. Cells are
first renumbered by :func:`canonical_cell`, the numbering the benchmark trained: it decides which
nodes get the extra channel when the output's fan-in does not divide the channels (3 or 5
feeders), which changes ``params`` for about 800 of the table's cells.

Parameters count every trainable weight as TensorFlow did: convolutions without bias, affine
BatchNorm (2 per channel; running statistics are not parameters) and a biased classifier. With
the defaults this equals the benchmark's ``params`` for every cell.

FLOPs are multiply-adds per image, in millions, under these rules:

* convolution: k*k*C_in*C_out*H_out*W_out; its BatchNorm 2 and its ReLU 1 per output element;
* max-pool (3x3 in cells, 2x2 between stacks): k*k per output element;
* global average pooling: H*W per output element (one H x W window per channel);
* linear: in*out, its bias not counted;
* channel truncation, concatenation and the sums that merge a node's inputs: nothing.
"""
from __future__ import annotations

from typing import Iterator, NamedTuple, Sequence

from .graph import CONV1X1, MAXPOOL3X3, NB101Cell

_KERNEL = {CONV1X1: 1, MAXPOOL3X3: 3}  # every other op is the 3x3 convolution


class Layer(NamedTuple):
    """One layer that has parameters or costs FLOPs: ``kind`` is 'conv' (conv-BN-ReLU),
    'maxpool', 'avgpool' (global) or 'linear'; ``side`` is the output's height and width."""

    kind: str
    kernel: int
    c_in: int
    c_out: int
    side: int


def canonical_cell(cell: NB101Cell) -> NB101Cell:
    """The cell renumbered the way NAS-Bench-101 numbered it: a canonical form up to isomorphism.

    The benchmark's generator lists matrices by an integer code (bit x + y(y-1)/2 set for each
    edge x→y), then op tuples in lexicographic order, keeps the first graph of each hash, and
    trained that numbering. So this is the topological numbering with the smallest (code, ops).
    Numbering matters for the network: when the output's fan-in does not divide the channels,
    the first feeders get one channel more, and so the parameter count depends on it.
    """
    n = cell.num_nodes
    preds = [[u for u in range(v) if cell.matrix[u][v]] for v in range(n)]
    pos, order = [0] + [-1] * (n - 1), [0]
    best: tuple[int, tuple[int, ...], tuple[int, ...]] = (1 << 64, (), ())

    def place(code: int) -> None:  # extend ``order`` by every ready middle node in turn
        nonlocal best
        p = len(order)
        if p == n - 1:
            code += sum(1 << (pos[u] + p * (p - 1) // 2) for u in preds[n - 1])
            best = min(best, (code, tuple(cell.ops[v - 1] for v in order[1:]), tuple(order)))
            return
        for v in range(1, n - 1):
            if pos[v] < 0 and all(pos[u] >= 0 for u in preds[v]):
                pos[v] = p
                order.append(v)
                place(code + sum(1 << (pos[u] + p * (p - 1) // 2) for u in preds[v]))
                order.pop()
                pos[v] = -1

    place(0)
    nodes = (*best[2], n - 1)
    return NB101Cell(tuple(tuple(cell.matrix[i][j] for j in nodes) for i in nodes), best[1])


def vertex_channels(in_channels: int, out_channels: int, matrix: Sequence[Sequence[int]]) -> list[int]:
    """Channels of every node of a cell, as the benchmark computes them.

    The output's channels are split evenly among the nodes that feed it (the first ones get one
    more when it does not divide), so their concatenation has exactly ``out_channels``. Every
    other middle node takes the largest channel count among its successors, so a wider source is
    only ever truncated, by at most one channel, to fit its target.
    """
    n = len(matrix)
    channels = [in_channels] + [0] * (n - 2) + [out_channels]
    if n == 2:
        return channels
    feeders = [v for v in range(1, n - 1) if matrix[v][n - 1]]
    share, extra = divmod(out_channels, len(feeders))
    for rank, v in enumerate(feeders):
        channels[v] = share + (rank < extra)
    for v in range(n - 3, 0, -1):
        if not matrix[v][n - 1]:
            channels[v] = max(channels[w] for w in range(v + 1, n - 1) if matrix[v][w])
    if min(channels) <= 0:
        raise ValueError(f"{out_channels} output channels cannot be split among {len(feeders)} "
                         "nodes: use more stem channels")
    return channels


def check_sizes(num_classes: int, stem_channels: int, stacks: int, cells_per_stack: int) -> None:
    """Reject network sizes the benchmark's builder cannot make sense of."""
    if min(num_classes, stem_channels, stacks, cells_per_stack) < 1:
        raise ValueError("num_classes, stem_channels, stacks and cells_per_stack must be positive, "
                         f"got {num_classes}, {stem_channels}, {stacks}, {cells_per_stack}")


def cell_layers(cell: NB101Cell, c_in: int, c_out: int, side: int) -> Iterator[Layer]:
    """The layers of one cell, numbered as given: per middle node its input projection (if the
    input feeds it) and its op, then the output's projection of the input (if input→output)."""
    m, n = cell.matrix, cell.num_nodes
    channels = vertex_channels(c_in, c_out, m)
    for t, op in enumerate(cell.ops, start=1):
        if m[0][t]:
            yield Layer("conv", 1, c_in, channels[t], side)
        kind = "maxpool" if op == MAXPOOL3X3 else "conv"
        yield Layer(kind, _KERNEL.get(op, 3), channels[t], channels[t], side)
    if m[0][n - 1]:
        yield Layer("conv", 1, c_in, c_out, side)


def network_layers(cell: NB101Cell, num_classes: int = 10, stem_channels: int = 128,
                   stacks: int = 3, cells_per_stack: int = 3,
                   input_size: int = 32) -> Iterator[Layer]:
    """Every layer of the network, in forward order, for the benchmark's numbering of ``cell``."""
    check_sizes(num_classes, stem_channels, stacks, cells_per_stack)
    cell = canonical_cell(cell)
    side, channels = input_size, stem_channels
    yield Layer("conv", 3, 3, stem_channels, side)
    for stack in range(stacks):
        c_in = channels
        if stack > 0:
            side = -(-side // 2)  # 'same' padding: an odd side rounds up
            yield Layer("maxpool", 2, c_in, c_in, side)
            channels *= 2
        first = list(cell_layers(cell, c_in, channels, side))
        yield from first
        # the stack's later cells read the stack's own channels, alike: listed once (Layers are immutable)
        later = first if c_in == channels or cells_per_stack == 1 else list(cell_layers(cell, channels, channels, side))
        for _ in range(cells_per_stack - 1):
            yield from later
    yield Layer("avgpool", side, channels, channels, 1)
    yield Layer("linear", 1, channels, num_classes, 1)


def nb101_flops(cell: NB101Cell, num_classes: int = 10, stem_channels: int = 128,
                stacks: int = 3, cells_per_stack: int = 3, input_size: int = 32) -> float:
    """Multiply-adds of one forward pass of one image, in millions (rules in the module doc)."""
    if input_size < 1:
        raise ValueError(f"input_size must be positive, got {input_size}")
    total = 0
    for layer in network_layers(cell, num_classes, stem_channels, stacks, cells_per_stack,
                                input_size):
        outputs = layer.c_out * layer.side ** 2
        if layer.kind in ("conv", "linear"):
            total += layer.kernel ** 2 * layer.c_in * outputs
        else:  # pooling: one k x k window per output element
            total += layer.kernel ** 2 * outputs
        if layer.kind == "conv":
            total += 3 * outputs  # BatchNorm (2) and ReLU (1)
    return total / 1e6
