"""The TransNAS-Bench-101 encoders, built as the benchmark built them, with a classification head.

Both spaces share the official ``MacroNet`` skeleton (TransNASBench ``lib/models/net_infer/
net_macro.py``, mirrored in NASLib ``naslib/search_spaces/transbench101/tnb101/``):

* stem: conv3x3 (3 -> C/2, stride 2) + BN, then ReLU-conv3x3-BN (C/2 -> C, stride 2);
* one module per skeleton digit, each of 2 blocks; the first block of a module takes the
  module's stride (2 for digits 3 and 4) and channel change (x2 for digits 2 and 4);
* the classification decoder (``FFDecoder``): global average pooling and a linear layer.

The block is a ResNet basic block for the macro space (``ResNetBasicblock``: two ReLU-conv3x3-BN
plus a 1x1 conv + BN shortcut when the shape changes, no activation after the sum; that BN has
the benchmark's eps=1 and momentum=1, see :data:`SHORTCUT_BN`) and the micro cell for the micro
space (``MicroCell``: node j sums op(node i) over edges (i, j); edges from the cell input take the
block's stride and channel change, the others keep the cell's output shape).
Cell ops (``cell_ops.py``): skip is an identity, or a FactorizedReduce where the shape changes;
conv1x1 and conv3x3 are ReLU-conv-BN. Convolutions have no bias, every BatchNorm is affine and
tracks running stats, and convolutions get the benchmark's Kaiming (fan-out) initialisation.

Unlike the benchmark, ``none`` edges are dropped at build time instead of multiplying by zero; a
node left with no live input is a zero tensor of the node's shape. Ops that read such a node are
still built and run, as in the benchmark, so parameter counts match it. The structure is fixed at
build time, so ``forward`` has no data-dependent control flow.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Sequence

import torch
from torch import nn

from ...engine.errors import ArchitectureError, ConfigError
from ..blocks import FactorizedReduce, NodeSumCell, ReLUConvBN, ResNetBasicBlock
from ..network_options import checked_classes
from .codes import (BASE_CHANNELS, MICRO_EDGES, MICRO_SKELETON, check_base_channels, check_macro,
                    check_micro, doubles_channels, halves_resolution)

BLOCKS_PER_MODULE = 2
"""Blocks (basic blocks or micro cells) per skeleton module, as in the benchmark."""
STEM_STRIDES = {1: (1, 1), 2: (2, 1), 4: (2, 2)}
"""Total stem downsampling -> strides of its two convolutions; 4 is the benchmark's stem."""
SMALL_IMAGE_STEM_STRIDE = 1
"""Default stem downsampling, for 32x32 images (see :func:`build_macro_network`)."""

BlockFactory = Callable[[int, int, int], nn.Module]


def make_edge_op(op: int, c_in: int, c_out: int, stride: int) -> nn.Module:
    """The module of one live micro edge (op id 1 skip, 2 conv1x1, 3 conv3x3)."""
    if op == 1:
        return nn.Identity() if stride == 1 and c_in == c_out else FactorizedReduce(c_in, c_out, stride)
    if op in (2, 3):
        return ReLUConvBN(c_in, c_out, 1 if op == 2 else 3, stride)
    raise ValueError(f"no module for micro op {op!r}; 'none' (0) edges are dropped, not built")


class MicroCell(NodeSumCell):
    """The 4-node micro cell (NB201's cell shape, :class:`~nasloop.search_spaces.blocks.NodeSumCell`, with TNB101's
    ops); its input edges change the shape, all other edges keep it."""

    def __init__(self, ops: Sequence[int], c_in: int, c_out: int, stride: int) -> None:
        ops = check_micro(ops)
        live = [(src, dst, op) for (src, dst), op in zip(MICRO_EDGES, ops) if op != 0]
        super().__init__(live, lambda src, op: make_edge_op(op, c_in, c_out, stride) if src == 0
                         else make_edge_op(op, c_out, c_out, 1), 4)
        self.c_out = c_out
        self.stride = stride
        self.keeps_shape = stride == 1 and c_in == c_out

    def _zeros(self, x: torch.Tensor) -> torch.Tensor:
        """A node with no live input: zeros shaped like the cell output (strided convs round up)."""
        if self.keeps_shape:
            return super()._zeros(x)  # keeps x's memory format (channels_last)
        s = self.stride  # indexing, not unpacking, keeps this traceable by torch.fx
        return x.new_zeros((x.shape[0], self.c_out, (x.shape[2] + s - 1) // s, (x.shape[3] + s - 1) // s))


SHORTCUT_BN = {"eps": 1.0, "momentum": 1.0}
"""The benchmark's shortcut BatchNorm settings. ``ResNetBasicblock`` passes ``affine`` and
``track_running_stats`` positionally to ``BatchNorm2d``, where they land on ``eps`` and
``momentum``: every macro network was trained with eps=1 (a softer normalisation) and running
statistics that keep only the last batch. Kept, so the networks compute what the benchmark's did."""


def _projection_shortcut(c_in: int, c_out: int, stride: int) -> nn.Module:
    """The macro space's shortcut: the identity, or where the shape changes a strided 1x1 conv + BN (with
    :data:`SHORTCUT_BN`)."""
    if stride == 1 and c_in == c_out:
        return nn.Identity()
    return nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out, **SHORTCUT_BN))


class BasicBlock(ResNetBasicBlock):
    """The macro space's ResNet basic block (the benchmark's ``ResNetBasicblock``), with its shortcut."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__(c_in, c_out, stride, _projection_shortcut)


def build_micro_network(
    ops: Sequence[int],
    num_classes: int = 10,
    base_channels: int = BASE_CHANNELS,
    skeleton: str | Sequence[int] = MICRO_SKELETON,
    stem_stride: int = SMALL_IMAGE_STEM_STRIDE,
) -> nn.Sequential:
    """The micro-space network of the cell ``ops`` (6 op ids, edges as in ``MICRO_EDGES``).

    The cell is stacked on ``skeleton`` (the benchmark's ``41414`` unless told otherwise; any
    digits 1..4). ``stem_stride`` is as in :func:`build_macro_network`. Takes (batch, 3, H, W)
    images and returns (batch, num_classes) logits.
    """
    ops = check_micro(ops)
    digits = _skeleton_digits(skeleton)
    return _network(lambda c_in, c_out, stride: MicroCell(ops, c_in, c_out, stride),
                    digits, num_classes, base_channels, stem_stride)


def build_macro_network(
    code: Sequence[int],
    num_classes: int = 10,
    base_channels: int = BASE_CHANNELS,
    stem_stride: int = SMALL_IMAGE_STEM_STRIDE,
) -> nn.Sequential:
    """The macro-space network of the skeleton ``code`` (4 to 6 digits, see ``codes``).

    ``stem_stride`` is the stem's total downsampling: 4 is the benchmark's stem, made for its
    256x256 Taskonomy images (64x64 maps enter the modules, 4x4 to 32x32 leave them). On 32x32
    images that stem leaves 8x8 maps, and skeletons that halve the resolution 3 or 4 times end
    at 1x1, where a 3x3 conv sees only padding around one pixel. The default, 1, keeps the
    stem's layers and parameters but not its strides, so 32x32 images reach the modules at full
    size and leave them at 2x2 or more. Pass 4 for benchmark-sized images.
    """
    code = check_macro(code)
    return _network(BasicBlock, code, num_classes, base_channels, stem_stride)


def _skeleton_digits(skeleton: str | Sequence[int]) -> tuple[int, ...]:
    items = tuple(skeleton)
    digits = tuple(int(d) for d in items if str(d) in ("1", "2", "3", "4"))
    if not items or len(digits) != len(items):
        raise ArchitectureError(f"a TNB101 skeleton is one or more module digits in 1..4 (the benchmark's "
                                f"micro skeleton is '{MICRO_SKELETON}'), got {skeleton!r}")
    return digits


def _network(make_block: BlockFactory, skeleton: tuple[int, ...], num_classes: int,
             base_channels: int, stem_stride: int) -> nn.Sequential:
    """Stem, one module of blocks per skeleton digit, then the pooling + linear head."""
    num_classes = checked_classes(num_classes)  # the check every space's to_module makes
    _check_options(base_channels, stem_stride)
    first_stride, second_stride = STEM_STRIDES[stem_stride]
    half = base_channels // 2
    layers: OrderedDict[str, nn.Module] = OrderedDict(stem=nn.Sequential(
        nn.Conv2d(3, half, 3, stride=first_stride, padding=1, bias=False),
        nn.BatchNorm2d(half),
        ReLUConvBN(half, base_channels, 3, second_stride),
    ))
    channels = base_channels
    for index, digit in enumerate(skeleton, start=1):
        c_out = 2 * channels if doubles_channels(digit) else channels
        stride = 2 if halves_resolution(digit) else 1
        blocks = [make_block(channels, c_out, stride)]
        blocks += [make_block(c_out, c_out, 1) for _ in range(BLOCKS_PER_MODULE - 1)]
        layers[f"module{index}"] = nn.Sequential(*blocks)
        channels = c_out
    layers["pool"] = nn.AdaptiveAvgPool2d(1)
    layers["flatten"] = nn.Flatten()
    layers["head"] = nn.Linear(channels, num_classes)
    network = nn.Sequential(layers)
    for module in network.modules():
        if isinstance(module, nn.Conv2d):  # BN already starts at weight 1, bias 0, as there
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
    return network


def _check_options(base_channels: int, stem_stride: int) -> None:
    check_base_channels(base_channels)
    if not isinstance(stem_stride, int) or stem_stride not in STEM_STRIDES:
        raise ConfigError(f"stem_stride must be one of {sorted(STEM_STRIDES)} (4 is the benchmark's "
                          f"stem for 256x256 images, 1 suits 32x32), got {stem_stride!r}")
