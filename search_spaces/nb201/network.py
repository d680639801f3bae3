"""The NAS-Bench-201 network for one cell, built the way the benchmark trained it.

Macro skeleton: a conv3x3 + BN stem, three stages of ``cells_per_stage`` copies of the cell at
C, 2C and 4C channels, a ResNet basic block halving the resolution and doubling the channels
between stages, then BN, ReLU, global average pooling and a linear classifier. With the default
C=16 and N=5 its parameter count is the benchmark's ``params`` (see
:func:`nasloop.search_spaces.nb201.cost.nb201_params_flops`, which computes it analytically).

The cell's structure is fixed at build time, so ``forward`` has no data-dependent control flow
and compiles with ``torch.compile``; every op is layout-agnostic, so ``channels_last`` works.
"""
from __future__ import annotations

from torch import nn

from ..blocks import NodeSumCell, ReLUConvBN, ResNetBasicBlock
from .cell import EDGES, OPS
NUM_NODES = 4


def make_op(name: str, channels: int) -> nn.Module:
    """The module for one live (not 'none') cell edge; cell ops keep shape and channel count."""
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3)
    if name == "avg_pool_3x3":
        # count_include_pad=False so border pixels are not pulled towards zero
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f"no module for op {name!r}; 'none' edges are dropped, not built")


class NB201Cell(NodeSumCell):
    """A 4-node NB201 cell: node j is the sum of op(node i) over its incoming edges (i, j) (see
    :class:`~nasloop.search_spaces.blocks.NodeSumCell`); every op keeps the shape and channel count."""

    def __init__(self, cell: tuple[int, ...], channels: int) -> None:
        if len(cell) != len(EDGES) or any(not 0 <= op < len(OPS) for op in cell):
            raise ValueError(
                f"an NB201 cell is {len(EDGES)} op indices in [0, {len(OPS)}), got {cell!r}"
            )
        live = [(src, dst, OPS[op]) for (src, dst), op in zip(EDGES, cell) if OPS[op] != "none"]
        super().__init__(live, lambda _, name: make_op(name, channels), NUM_NODES)


def _pooled_shortcut(c_in: int, c_out: int, stride: int) -> nn.Module:
    """NB201's shortcut across the reduction between stages (a basic block with stride 2): ``stride`` x ``stride``
    average pooling, then a 1x1 conv (no BN) to the doubled channel count."""
    return nn.Sequential(nn.AvgPool2d(kernel_size=stride, stride=stride),
                         nn.Conv2d(c_in, c_out, kernel_size=1, bias=False))


def build_nb201_network(
    cell: tuple[int, ...],
    num_classes: int = 10,
    channels: int = 16,
    cells_per_stage: int = 5,
) -> nn.Module:
    """The NB201 network for ``cell`` (6 op indices into :data:`OPS`, edges as in :data:`EDGES`).

    Takes (batch, 3, H, W) images with H and W divisible by 4 and returns (batch, num_classes)
    logits. BatchNorm is affine everywhere and convolutions have no bias, as in NAS-Bench-201.
    """
    cell = tuple(int(op) for op in cell)
    layers: list[nn.Module] = [
        nn.Conv2d(3, channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(channels),
    ]
    c = channels
    for stage in range(3):
        if stage:
            layers.append(ResNetBasicBlock(c, 2 * c, 2, _pooled_shortcut))
            c *= 2
        layers.extend(NB201Cell(cell, c) for _ in range(cells_per_stage))
    layers += [
        nn.BatchNorm2d(c),
        nn.ReLU(inplace=False),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(c, num_classes),
    ]
    return nn.Sequential(*layers)
