"""The NAS-Bench-101 network for one cell, built the way the benchmark trained it.

This follows google-research/nasbench ``model_builder.py``: a conv3x3-BN-ReLU stem, ``stacks``
stacks of ``cells_per_stack`` cells, a 2x2 stride-2 max-pool and channel doubling before every
stack but the first, global average pooling and a linear classifier. The cell is first renumbered
by :func:`~nasloop.search_spaces.nb101.cost.canonical_cell`, the numbering the benchmark
trained, so with the defaults the parameter count is the table's ``params`` for every cell.

Inside a cell, node channels come from :func:`~nasloop.search_spaces.nb101.cost.vertex_channels`;
the cell input reaches each node it feeds (and the output) through its own 1x1 conv-BN-ReLU
projection, a wider source is truncated to its first channels, a node sums its inputs and the
output concatenates the nodes feeding it, plus the projected input when input→output is an edge.

BatchNorm uses the benchmark's decay (0.997) and epsilon (1e-5). Weights keep PyTorch's default
initialisation; the benchmark's TensorFlow variance-scaling only matters to reproduce its runs.
The structure is fixed at build time, so ``forward`` has no data-dependent control flow.
"""
from __future__ import annotations

import operator
from functools import reduce

import torch
from torch import nn

from .cost import canonical_cell, check_sizes, vertex_channels
from .graph import CONV1X1, MAXPOOL3X3, NB101Cell

BN_DECAY = 0.997
BN_EPSILON = 1e-5


class ConvBNReLU(nn.Sequential):
    """Convolution ('same' padding, no bias: BN follows) -> affine BN -> ReLU."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int) -> None:
        super().__init__(
            nn.Conv2d(c_in, c_out, kernel_size, padding=kernel_size // 2, bias=False),
            nn.BatchNorm2d(c_out, eps=BN_EPSILON, momentum=1 - BN_DECAY),
            nn.ReLU(inplace=True),  # safe: the BN output is read by nothing else
        )


def _vertex_op(op: int, channels: int) -> nn.Module:
    if op == MAXPOOL3X3:
        return nn.MaxPool2d(3, stride=1, padding=1)  # pads with -inf, like TF's 'same'
    return ConvBNReLU(channels, channels, 1 if op == CONV1X1 else 3)


class NB101CellModule(nn.Module):
    """One cell (the benchmark's "module") mapping ``c_in`` to ``c_out`` channels.

    The cell is used with the numbering it is given; the network passes the canonical one.
    """

    def __init__(self, cell: NB101Cell, c_in: int, c_out: int) -> None:
        super().__init__()
        m, n = cell.matrix, cell.num_nodes
        self.channels = tuple(vertex_channels(c_in, c_out, m))
        self.sources = tuple(tuple(s for s in range(1, t) if m[s][t]) for t in range(1, n - 1))
        self.reads_input = tuple(bool(m[0][t]) for t in range(n))
        self.concat = tuple(t for t in range(1, n - 1) if m[t][n - 1])
        self.output = str(n - 1)
        self.projections = nn.ModuleDict(
            {str(t): ConvBNReLU(c_in, self.channels[t], 1) for t in range(1, n) if m[0][t]}
        )
        self.vertex_ops = nn.ModuleList(
            _vertex_op(op, self.channels[t]) for t, op in enumerate(cell.ops, start=1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for t, op in enumerate(self.vertex_ops, start=1):
            width = self.channels[t]
            terms = [nodes[s][:, :width] for s in self.sources[t - 1]]
            if self.reads_input[t]:
                terms.append(self.projections[str(t)](x))
            nodes.append(op(reduce(operator.add, terms)))
        outputs = [torch.cat([nodes[t] for t in self.concat], dim=1)] if self.concat else []
        if self.reads_input[-1]:
            outputs.append(self.projections[self.output](x))
        return reduce(operator.add, outputs)


class NB101Network(nn.Module):
    """Stem, stacks of cells with max-pool downsampling, global average pooling, classifier."""

    def __init__(self, cell: NB101Cell, num_classes: int, stem_channels: int, stacks: int,
                 cells_per_stack: int) -> None:
        super().__init__()
        check_sizes(num_classes, stem_channels, stacks, cells_per_stack)
        cell = canonical_cell(cell)
        layers: list[nn.Module] = [ConvBNReLU(3, stem_channels, 3)]
        channels = stem_channels
        for stack in range(stacks):
            c_in = channels
            if stack > 0:
                layers.append(nn.MaxPool2d(2, stride=2, ceil_mode=True))  # TF 'same' on odd sides
                channels *= 2
            for _ in range(cells_per_stack):
                layers.append(NB101CellModule(cell, c_in, channels))
                c_in = channels
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))


def build_nb101_network(cell: NB101Cell, num_classes: int = 10, stem_channels: int = 128,
                        stacks: int = 3, cells_per_stack: int = 3) -> nn.Module:
    """The network NAS-Bench-101 trained for ``cell`` (CIFAR-10 sized by default)."""
    return NB101Network(cell, num_classes, stem_channels, stacks, cells_per_stack)
