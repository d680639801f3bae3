"""The NDS networks: the DARTS-style CIFAR and ImageNet networks over any family's cells.

pycls' NAS model, which trained every NDS network: a CIFAR-10 stem of one 3x3 conv (3W channels)
or an ImageNet stem of three stride-2 3x3 convs; ``depth`` cells, those at a third and two thirds
of the depth reducing (stride 2 on the cell inputs, channels doubled); each cell preprocesses its
two inputs to the current width, sums two ops per node and concatenates its output nodes; global
pooling and a linear classifier. The building blocks are the DARTS ones (:mod:`..darts.network`),
so the DARTS family at width 36 and depth 20 is the DARTS network exactly. The auxiliary head and
drop-path are training options and are left out.
"""
from __future__ import annotations

import torch
from torch import nn

from ..darts.network import DilConv, FactorizedReduce, ReLUConvBN, SepConv
from .arch import NdsArch, NdsCell as CellPairs, output_nodes
from .families import Family


def _factorised_conv(channels: int, length: int, stride: int) -> nn.Module:
    """ReLU, a 1xk then a kx1 conv (the stride split between them), BN: NASNet's ``conv_kx1_1xk``."""
    pad = length // 2
    return nn.Sequential(nn.ReLU(inplace=False),
                         nn.Conv2d(channels, channels, (1, length), stride=(1, stride), padding=(0, pad), bias=False),
                         nn.Conv2d(channels, channels, (length, 1), stride=(stride, 1), padding=(pad, 0), bias=False),
                         nn.BatchNorm2d(channels))


def make_op(name: str, channels: int, stride: int) -> nn.Module:
    """Any op of the five NDS families at ``channels`` channels (in and out) and ``stride``."""
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
        return ReLUConvBN(channels, channels, kernel, stride, kernel // 2)
    if kind == "sep_conv":
        return SepConv(channels, channels, kernel, stride, kernel // 2)
    if kind == "dil_conv":
        return DilConv(channels, channels, kernel, stride, 2 * (kernel // 2), 2)
    if kind == "dil_sep_conv":
        pad = 2 * (kernel // 2)
        return nn.Sequential(DilConv(channels, channels, kernel, stride, pad, 2),
                             DilConv(channels, channels, kernel, 1, pad, 2))
    raise ValueError(f"no NDS op called {name!r}")


class NdsCell(nn.Module):
    """One cell: two preprocessed inputs, two ops per node summed, the output nodes concatenated."""

    def __init__(self, cell: CellPairs, family: Family, c_prev_prev: int, c_prev: int, channels: int,
                 reduction: bool, reduction_prev: bool) -> None:
        super().__init__()
        self.pre0 = (FactorizedReduce(c_prev_prev, channels) if reduction_prev
                     else ReLUConvBN(c_prev_prev, channels, 1, 1, 0))
        self.pre1 = ReLUConvBN(c_prev, channels, 1, 1, 0)
        self.sources = tuple(source for source, _ in cell)
        self.outputs = tuple(output_nodes(cell, family))
        self.edge_ops = nn.ModuleList(make_op(family.ops[op], channels, 2 if reduction and source < 2 else 1)
                                      for source, op in cell)

    def forward(self, s0: torch.Tensor, s1: torch.Tensor) -> torch.Tensor:
        states = [self.pre0(s0), self.pre1(s1)]
        for a in range(0, len(self.edge_ops), 2):
            states.append(self.edge_ops[a](states[self.sources[a]]) + self.edge_ops[a + 1](states[self.sources[a + 1]]))
        return torch.cat([states[i] for i in self.outputs], dim=1)


class NdsNetwork(nn.Module):
    """The network NDS trained for ``arch``: stem, ``depth`` cells (reductions at 1/3 and 2/3), classifier."""

    def __init__(self, arch: NdsArch, family: Family, num_classes: int = 10, imagenet: bool = False) -> None:
        super().__init__()
        width = arch.width
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
        cells, c = [], width
        for i in range(arch.depth):
            reduction = i in (arch.depth // 3, 2 * arch.depth // 3)
            c = 2 * c if reduction else c
            cell = NdsCell(arch.reduce if reduction else arch.normal, family, c_prev_prev, c_prev, c, reduction,
                           reduction_prev)
            cells.append(cell)
            reduction_prev = reduction
            c_prev_prev, c_prev = c_prev, len(cell.outputs) * c
        self.cells = nn.ModuleList(cells)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = self.stem(x)
        s1 = s0 if self.stem1 is None else self.stem1(s0)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(self.pool(s1).flatten(1))
