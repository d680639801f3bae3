"""The building blocks several spaces' networks share, written once so that they cannot drift apart.

DARTS, the NDS families, NB201, TransNAS-Bench-101 and NAGO all convolve as ReLU -> conv -> BN, DARTS, NDS and
TNB101 all skip across a change of shape with a factorized reduction, and NB201 and TNB101's macro space both use a
ResNet basic block; TNB101's micro cell is NB201's cell shape (:class:`NodeSumCell`). The spaces' copies were the
same modules (checked on their outputs with each other's weights), so the parameter names (``1.weight`` of a
ReLUConvBN, ``conv_a``/``conv_b``/``bn`` of a FactorizedReduce, ``conv_a``/``conv_b``/``shortcut`` of a basic block,
``node_ops`` of a cell) are those every space's checkpoints already hold.
"""
from __future__ import annotations

import operator
from functools import reduce
from typing import Callable, Sequence, TypeVar

import torch
from torch import nn
from torch.nn import functional as F

Op = TypeVar("Op")


class ReLUConvBN(nn.Sequential):
    """ReLU -> conv (no bias: BN follows) -> BN, padded to keep the size at stride 1: the pre-activation convolution.

    The ReLU is not in place: it would clobber a node that another edge of the cell still reads."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int, stride: int = 1) -> None:
        super().__init__(nn.ReLU(inplace=False),
                         nn.Conv2d(c_in, c_out, kernel_size, stride=stride, padding=kernel_size // 2, bias=False),
                         nn.BatchNorm2d(c_out))


class FactorizedReduce(nn.Module):
    """A skip connection across a change of shape: ReLU, two strided 1x1 convs whose outputs are concatenated, BN.

    One conv reads the input, the other the input offset by one pixel, so together they see every position a
    stride-2 sampling would skip. The offset one reads the input padded by a zero row and column at the far edges,
    as pycls (which trained NDS) does: on an odd side (a 72- or 100-pixel ImageNet network reaches 9 and 13) an
    unpadded offset gave one row fewer and every forward pass failed; on an even side the outputs are the same.
    ``stride`` is 2 in the cell networks; TNB101 also widens through it at stride 1."""

    def __init__(self, c_in: int, c_out: int, stride: int = 2) -> None:
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_a = nn.Conv2d(c_in, c_out // 2, 1, stride=stride, bias=False)
        self.conv_b = nn.Conv2d(c_in, c_out - c_out // 2, 1, stride=stride, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_a(x), self.conv_b(F.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:])], dim=1))


class ResNetBasicBlock(nn.Module):
    """A ResNet basic block: a shortcut plus two ReLU-conv3x3-BN, the first taking the stride and the channel change,
    with no activation after the sum.

    The spaces differ only in the shortcut, so ``shortcut(c_in, c_out, stride)`` builds it: NB201 pools and convolves
    without BN, TNB101 convolves with its own BN or passes the input on. It is built after the convs, so a seed's
    initial weights are drawn in the order the spaces' own blocks drew them."""

    def __init__(self, c_in: int, c_out: int, stride: int, shortcut: Callable[[int, int, int], nn.Module]) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride)
        self.conv_b = ReLUConvBN(c_out, c_out, 3)
        self.shortcut = shortcut(c_in, c_out, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


class NodeSumCell(nn.Module):
    """A cell of numbered nodes, node 0 its input and the last its output, where node j sums op(node i) over its live
    incoming edges (i, j): NB201's cell, whose shape TNB101's micro cell took, each space with its own ops.

    ``live`` lists the (source, target, op) of each edge that is not 'none' (dropped at build time instead of
    multiplying by zero), and ``make_op(source, op)`` builds its module, node by node in edge order (the order a
    seed's initial weights are drawn in). A node left with no live input is :meth:`_zeros`; ops reading such a node
    are still built and run, as in the benchmarks, so parameter counts and outputs match theirs. The structure is
    fixed at build time, so ``forward`` has no data-dependent control flow (it compiles with ``torch.compile``)."""

    def __init__(self, live: Sequence[tuple[int, int, Op]], make_op: Callable[[int, Op], nn.Module],
                 num_nodes: int) -> None:
        super().__init__()
        targets = range(1, num_nodes)
        # per target node: the source node of each live incoming edge, and its op
        self.sources: tuple[tuple[int, ...], ...] = tuple(
            tuple(src for src, dst, _ in live if dst == node) for node in targets)
        self.node_ops = nn.ModuleList(
            nn.ModuleList(make_op(src, op) for src, dst, op in live if dst == node) for node in targets)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for sources, ops in zip(self.sources, self.node_ops):
            terms = [op(nodes[src]) for src, op in zip(sources, ops)]
            nodes.append(reduce(operator.add, terms) if terms else self._zeros(x))
        return nodes[-1]

    def _zeros(self, x: torch.Tensor) -> torch.Tensor:
        """A node with no live input, in a cell whose ops keep the input's shape: zeros with its shape, dtype and
        memory format (channels_last)."""
        return torch.zeros_like(x)
