"""The DARTS-style network of a normal and a reduction cell: the DARTS space's and every NDS family's.

pycls' NAS model, which trained every NDS network, and DARTS' evaluation network (Liu et al., ICLR
2019), which NAS-Bench-301 trained, are one network: a CIFAR stem of one 3x3 conv + BN (3W channels)
or an ImageNet stem of three stride-2 3x3 convs; ``depth`` cells, those at a third and two thirds
of the depth reducing (stride 2 on the cell inputs, channels doubled); each cell preprocesses its
two inputs to the current width (a factorized reduction when the previous cell reduced, else
ReLU-conv1x1-BN), sums two ops per node and concatenates its output nodes; global average pooling
and a linear classifier. The spaces differ only in their ops and in which nodes a cell outputs,
which :class:`CellPairNetwork` is given, so the DARTS space and the NDS ``darts`` family build the
same module with the same parameter names. With the DARTS ops at width 36 and depth 20, DARTS-V2
has the 3,349,342 parameters DARTS reports without its auxiliary head. The auxiliary head and
drop-path are training options, not part of the architecture, and are left out.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from .blocks import FactorizedReduce, ReLUConvBN
from .cell_numbering import Cell


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


def _factorised_conv(channels: int, length: int, stride: int) -> nn.Module:
    """ReLU, a 1xk then a kx1 conv (the stride split between them), BN: NASNet's ``conv_kx1_1xk``."""
    pad = length // 2
    return nn.Sequential(nn.ReLU(inplace=False),
                         nn.Conv2d(channels, channels, (1, length), stride=(1, stride), padding=(0, pad), bias=False),
                         nn.Conv2d(channels, channels, (length, 1), stride=(stride, 1), padding=(pad, 0), bias=False),
                         nn.BatchNorm2d(channels))


def make_op(name: str, channels: int, stride: int) -> nn.Module:
    """Any op of DARTS or the five NDS families at ``channels`` channels (in and out) and ``stride``."""
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(channels, channels)
    if name in ("conv_3x1_1x3", "conv_7x1_1x7"):
        return _factorised_conv(channels, int(name[5]), stride)
    kind, size = name.rsplit("_", 1)
    kernel = int(size[0])
    if kind == "max_pool":
        return nn.MaxPool2d(kernel, stride=stride, padding=kernel // 2)
    if kind == "avg_pool":
        return nn.AvgPool2d(kernel, stride=stride, padding=kernel // 2, count_include_pad=False)
    if kind == "conv":
        return ReLUConvBN(channels, channels, kernel, stride)
    if kind == "sep_conv":
        return SepConv(channels, channels, kernel, stride, kernel // 2)
    if kind == "dil_conv":
        return DilConv(channels, channels, kernel, stride, 2 * (kernel // 2), 2)
    if kind == "dil_sep_conv":
        pad = 2 * (kernel // 2)
        return nn.Sequential(DilConv(channels, channels, kernel, stride, pad, 2),
                             DilConv(channels, channels, kernel, 1, pad, 2))
    raise ValueError(f"no DARTS or NDS op called {name!r}")


class PairCell(nn.Module):
    """One cell: two preprocessed inputs, two ops per node summed, the output nodes concatenated."""

    def __init__(self, cell: Cell, ops: Sequence[str], outputs: Sequence[int], c_prev_prev: int, c_prev: int,
                 channels: int, reduction: bool, reduction_prev: bool) -> None:
        super().__init__()
        self.pre0 = (FactorizedReduce(c_prev_prev, channels) if reduction_prev
                     else ReLUConvBN(c_prev_prev, channels, 1))
        self.pre1 = ReLUConvBN(c_prev, channels, 1)
        self.sources = tuple(source for source, _ in cell)
        self.outputs = tuple(outputs)
        self.edge_ops = nn.ModuleList(make_op(ops[op], channels, 2 if reduction and source < 2 else 1)
                                      for source, op in cell)

    def forward(self, s0: torch.Tensor, s1: torch.Tensor) -> torch.Tensor:
        states = [self.pre0(s0), self.pre1(s1)]
        for a in range(0, len(self.edge_ops), 2):
            states.append(self.edge_ops[a](states[self.sources[a]]) + self.edge_ops[a + 1](states[self.sources[a + 1]]))
        return torch.cat([states[i] for i in self.outputs], dim=1)


class CellPairNetwork(nn.Module):
    """Stem, ``depth`` cells (reductions at 1/3 and 2/3), pooling, classifier.

    ``cells`` are the normal and the reduction cell, their pairs indexing ``ops``; ``output_nodes`` gives the states
    (2 + node) a cell concatenates; ``width`` is the first cell's channels."""

    def __init__(self, cells: Sequence[Cell], ops: Sequence[str], output_nodes: Callable[[Cell], Sequence[int]],
                 width: int, depth: int, num_classes: int = 10, imagenet: bool = False) -> None:
        super().__init__()
        normal, reduce = cells
        if imagenet:  # three stride-2 convs: 224 px in, 28 px at the first cell
            self.stem = nn.Sequential(
                nn.Conv2d(3, width // 2, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(width // 2),
                nn.ReLU(inplace=True), nn.Conv2d(width // 2, width, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(width))
            self.stem1 = nn.Sequential(nn.ReLU(inplace=True),
                                       nn.Conv2d(width, width, 3, stride=2, padding=1, bias=False),
                                       nn.BatchNorm2d(width))
            c_prev_prev, c_prev, reduction_prev = width, width, True
        else:
            self.stem = nn.Sequential(nn.Conv2d(3, 3 * width, 3, padding=1, bias=False), nn.BatchNorm2d(3 * width))
            self.stem1 = None
            c_prev_prev, c_prev, reduction_prev = 3 * width, 3 * width, False
        built, c = [], width
        for i in range(depth):
            reduction = i in (depth // 3, 2 * depth // 3)
            c = 2 * c if reduction else c
            cell = reduce if reduction else normal
            built.append(PairCell(cell, ops, output_nodes(cell), c_prev_prev, c_prev, c, reduction, reduction_prev))
            reduction_prev = reduction
            c_prev_prev, c_prev = c_prev, len(built[-1].outputs) * c
        self.cells = nn.ModuleList(built)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = self.stem(x)
        s1 = s0 if self.stem1 is None else self.stem1(s0)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(self.pool(s1).flatten(1))
