"""A network's blocks, read from any module: the feature maps AZ-NAS's proxies compare from one block to the next.

AZ-NAS (Lee & Ham, CVPR 2024) reads the output of the stem and of every cell of an NB201 network, through a method
the authors added to their network class. nasloop's spaces build their networks in their own ways (an
``nn.Sequential`` of layers and cells for NB201, a stem and a ``ModuleList`` of two-input cells for DARTS), so the
blocks are found from the calls the network makes instead, as MeCo finds its feature maps by hooking every module:

* a block call is a call the network's own ``forward`` makes, looking through plain ``nn.Sequential`` containers (an
  NB201 network is one: its stem convolution, cells and head layers are its top-level calls);
* a composite module (one with children: a cell, a residual block) or a convolution or linear layer starts a block,
  and a layer without such weights (BatchNorm, ReLU, pooling) belongs to the block before it, so NB201's stem
  convolution and its BatchNorm are one block, as the authors' stem is;
* a block's feature map is the last four-dimensional output of more than one position among its calls (a globally
  pooled 1x1 map, the classifier's logits are none);
* a call that returns its input as it is (NAGO's merge of a single input, an NB201 cell whose only path is one skip
  edge) is no block: it computes nothing.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn


def _starts_block(module: nn.Module) -> bool:
    """Whether a top-level call begins a new block, rather than finishing the one before it."""
    return any(True for _ in module.children()) or isinstance(module, (nn.Conv2d, nn.Linear))


def _passes_through(args: tuple[Any, ...], out: Any) -> bool:
    """Whether ``out`` is one of the call's input tensors (directly, or in a list of them) itself."""
    items = [x for a in args for x in (a if isinstance(a, (list, tuple)) else (a,))]
    return any(out is x for x in items)


def _feature_map(out: Any) -> bool:
    return isinstance(out, torch.Tensor) and out.dim() == 4 and out.shape[2] * out.shape[3] > 1


def block_features(net: nn.Module, inputs: torch.Tensor) -> list[torch.Tensor]:
    """The feature map of each of ``net``'s blocks for ``inputs``, in the order the network computes them, with
    their autograd graph where gradients are enabled. The next block reads a copy of each, so a later in-place
    operation (the ReLU(inplace=True) starting a DARTS ImageNet stem) leaves the recorded map and its graph be."""
    ancestors: list[nn.Module] = []
    blocks: list[torch.Tensor | None] = []

    def enter(module: nn.Module, _args: tuple[Any, ...]) -> None:
        ancestors.append(module)

    def leave(module: nn.Module, args: tuple[Any, ...], out: Any) -> Any:
        ancestors.pop()
        top_level = ancestors and all(type(m) is nn.Sequential for m in ancestors[1:])
        if not top_level or type(module) is nn.Sequential or _passes_through(args, out):
            return None
        if _starts_block(module) or not blocks:
            blocks.append(None)
        if not _feature_map(out):
            return None
        blocks[-1] = out
        return out.clone()

    handles = [h for m in net.modules() for h in (m.register_forward_pre_hook(enter), m.register_forward_hook(leave))]
    try:
        net(inputs)
    finally:
        for handle in handles:
            handle.remove()
    return [b for b in blocks if b is not None]
