"""The DARTS evaluation network for one architecture (Liu et al., ICLR 2019), as NAS-Bench-301 trained it.

A 3x3 conv + BN stem with 3C channels, then ``layers`` cells; the cells at a third and two thirds
of the depth are reduction cells (stride 2, channels doubled), the others normal cells. Each cell
preprocesses its two inputs to C channels (a factorized reduction when the previous cell
reduced, else ReLU-conv1x1-BN), runs its eight ops (stride 2 on the cell inputs of a reduction
cell), sums each node's two, and concatenates the four nodes (4C channels out). Global average
pooling and a linear classifier close it. The auxiliary head and drop-path are training options,
not part of the architecture, and are left out: with C=36 and 20 layers, DARTS-V2 has the
3,349,342 parameters DARTS reports without its auxiliary head.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .genotype import NODES, OPS, DartsArch, DartsCell as CellPairs


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> None:
        super().__init__(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False),
                         nn.BatchNorm2d(c_out))


class DilConv(nn.Sequential):
    """ReLU, a depthwise (possibly dilated) conv, a pointwise conv, BN."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int, dilation: int) -> None:
        super().__init__(nn.ReLU(inplace=False),
                         nn.Conv2d(c_in, c_in, kernel, stride, padding, dilation=dilation, groups=c_in, bias=False),
                         nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out))


class SepConv(nn.Sequential):
    """Two undilated :class:`DilConv` blocks, the first carrying the stride (DARTS' separable conv)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> None:
        super().__init__(DilConv(c_in, c_in, kernel, stride, padding, 1), DilConv(c_in, c_out, kernel, 1, padding, 1))


class FactorizedReduce(nn.Module):
    """Halves the resolution with two offset strided 1x1 convs whose outputs are concatenated.

    The offset one reads the input padded by a zero row and column at the far edges, as pycls (which trained
    NDS) does: on an odd side (a 72- or 100-pixel ImageNet network reaches 9 and 13) the unpadded offset gave one
    row fewer and every forward pass failed; on an even side, DARTS' sizes, the outputs are the same."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_a = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_b = nn.Conv2d(c_in, c_out - c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_a(x), self.conv_b(F.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:])], dim=1))


def make_op(name: str, channels: int, stride: int) -> nn.Module:
    """One DARTS op at ``channels`` channels (in and out) and ``stride``."""
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(channels, channels)
    if name == "max_pool_3x3":
        return nn.MaxPool2d(3, stride=stride, padding=1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)
    kind, size = name.rsplit("_", 1)
    kernel = int(size[0])
    if kind == "sep_conv":
        return SepConv(channels, channels, kernel, stride, kernel // 2)
    if kind == "dil_conv":
        return DilConv(channels, channels, kernel, stride, 2 * (kernel // 2), 2)
    raise ValueError(f"no DARTS op called {name!r}")


class DartsCell(nn.Module):
    """One cell: two preprocessed inputs, four nodes of two ops each, the nodes concatenated."""

    def __init__(self, cell: CellPairs, c_prev_prev: int, c_prev: int, channels: int, reduction: bool,
                 reduction_prev: bool) -> None:
        super().__init__()
        self.pre0 = (FactorizedReduce(c_prev_prev, channels) if reduction_prev
                     else ReLUConvBN(c_prev_prev, channels, 1, 1, 0))
        self.pre1 = ReLUConvBN(c_prev, channels, 1, 1, 0)
        self.sources = tuple(source for source, _ in cell)
        self.edge_ops = nn.ModuleList(make_op(OPS[op], channels, 2 if reduction and source < 2 else 1)
                                      for source, op in cell)

    def forward(self, s0: torch.Tensor, s1: torch.Tensor) -> torch.Tensor:
        states = [self.pre0(s0), self.pre1(s1)]
        for node in range(NODES):
            a, b = 2 * node, 2 * node + 1
            states.append(self.edge_ops[a](states[self.sources[a]]) + self.edge_ops[b](states[self.sources[b]]))
        return torch.cat(states[2:], dim=1)


class DartsNetwork(nn.Module):
    """The DARTS CIFAR network: stem, ``layers`` cells (reductions at 1/3 and 2/3), pooling, classifier."""

    def __init__(self, arch: DartsArch, num_classes: int = 10, channels: int = 36, layers: int = 20) -> None:
        super().__init__()
        stem = 3 * channels
        self.stem = nn.Sequential(nn.Conv2d(3, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem))
        c_prev_prev, c_prev, c = stem, stem, channels
        cells, reduction_prev = [], False
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            c = 2 * c if reduction else c
            cells.append(DartsCell(arch[1] if reduction else arch[0], c_prev_prev, c_prev, c, reduction,
                                   reduction_prev))
            reduction_prev = reduction
            c_prev_prev, c_prev = c_prev, NODES * c
        self.cells = nn.ModuleList(cells)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(self.pool(s1).flatten(1))
