"""AZ-NAS's proxies: az_expressivity, az_progressivity, az_trainability.

AZ-NAS (Lee & Ham, "AZ-NAS: Assembling Zero-Cost Proxies for Network Architecture Search", CVPR 2024) scores a
network by four proxies read from its blocks' feature maps (:func:`~.blocks.block_features`) and ranks a population
by the sum of each proxy's log rank; the fourth, complexity, is the network's FLOPs (nasloop's ``flops``). As the
authors' code does, the network is re-initialised (Kaiming normal, fan-in, for every convolution and linear layer;
BatchNorm and GroupNorm to the identity) and reads a batch of Gaussian noise of the mini-batch's shape, not its
images: the proxies are data-free. The generator is torch's, which scoring seeds before each proxy, so the three see
the same weights and the same noise. Data-free, they are not held to scoring's rule for the proxies that read the
images (a network whose output ignores them has none): they are undefined where a block's feature map is constant (its
channels have no covariance: an NB201 cell of 'none' edges, and every block after it), as the authors' code, whose
entropy of such a map is NaN, scores the network -inf.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import block_features
from ...proxy_registry import register_proxy

SPECTRAL_EPS = 1e-6
"""The authors' guard on the largest singular value in trainability's 1/s."""


def _features(net: nn.Module, inputs: torch.Tensor, grad: bool) -> list[torch.Tensor]:
    """The blocks' feature maps of the re-initialised ``net`` on Gaussian noise of ``inputs``' shape."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.modules.batchnorm._BatchNorm, nn.GroupNorm)) and m.affine:
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
    noise = torch.randn(inputs.shape, dtype=inputs.dtype, device=inputs.device)
    net.train()
    with torch.set_grad_enabled(grad):
        features = block_features(net, noise)
    for index, feature in enumerate(features, start=1):
        if not bool((feature.detach().flatten(2).var(dim=(0, 2)) > 0).any()):
            raise ValueError(f"block {index} of {len(features)}'s feature map is constant, so AZ-NAS's proxies are "
                             "undefined (no signal of the input reaches it)")
    return features


def channel_entropy(feature: torch.Tensor) -> float:
    """The entropy of the normalised eigenvalues of the covariance between a (batch, channels, h, w) map's channels,
    every position of every image a sample: log(channels) for isotropic features, 0 for features along one
    direction, NaN for a constant map. Eigenvalues below 0 are rounding and count as 0, where the authors' code took
    their log (NaN, the whole network -inf); 0 log 0 is 0, where it added 1e-8 inside the log."""
    flat = feature.detach().permute(0, 2, 3, 1).reshape(-1, feature.shape[1])
    centred = flat - flat.mean(dim=0, keepdim=True)
    eig = torch.linalg.eigvalsh((centred.T @ centred / len(centred)).double()).clamp(min=0)
    p = eig / eig.sum()
    return float(-torch.special.xlogy(p, p).sum())


def _entropies(net: nn.Module, inputs: torch.Tensor) -> list[float]:
    return [channel_entropy(f) for f in _features(net, inputs, grad=False)]


@register_proxy("az_expressivity", needs_data=False)
def az_expressivity(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """AZ-NAS's expressivity: the sum over blocks of the entropy of their channels' covariance spectrum
    (:func:`channel_entropy`): how evenly each block spreads its features over its channels."""
    return sum(_entropies(net, inputs))


@register_proxy("az_progressivity", needs_data=False)
def az_progressivity(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """AZ-NAS's progressivity: the smallest rise of that entropy from one block to the next (negative where a block
    spreads its features less evenly than the one before)."""
    entropies = _entropies(net, inputs)
    if len(entropies) < 2:
        raise ValueError(f"az_progressivity compares consecutive blocks, and this network has {len(entropies)}")
    return min(b - a for a, b in zip(entropies, entropies[1:]))


@register_proxy("az_trainability", needs_data=False)
def az_trainability(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """AZ-NAS's trainability: for each block and the one before it that it reads, a random +-1 gradient on the
    block's output taken back to its input, and the largest singular value s of their (input channels x output
    channels) cross-covariance over positions; the score is the mean over blocks of 2 - s - 1/s, at most 0, reached
    at s = 1 (gradients neither vanish nor explode). An input larger than the output is unshuffled into channels
    (pixel unshuffle) to the output's positions. A block whose input gradient is its output gradient (an identity)
    has none, as the authors' code scores it -inf; blocks that do not read the one before them are left out."""
    features = _features(net, inputs, grad=True)
    scores = []
    for block, (f_in, f_out) in enumerate(zip(features, features[1:]), start=2):
        g_out = torch.bernoulli(torch.full_like(f_out, 0.5)) * 2 - 1
        if not (f_in.requires_grad and f_out.requires_grad):  # a block computed without weights (pooling the noise)
            continue
        (g_in,) = torch.autograd.grad(f_out, f_in, g_out, retain_graph=True, allow_unused=True)
        if g_in is None:  # f_out does not read f_in (a DAG of blocks, as NAGO's)
            continue
        if g_in.shape == g_out.shape and torch.equal(g_in, g_out):
            raise ValueError(f"az_trainability is undefined where a block passes its input on unchanged: block "
                             f"{block} of {len(features)}'s gradient is its output's")
        scores.append(_spectral_score(_unshuffled(g_in, g_out.shape), g_out))
    if not scores:
        raise ValueError("az_trainability compares consecutive blocks, and no block of this network reads the one "
                         f"before it ({len(features)} blocks)")
    return sum(scores) / len(scores)


def _unshuffled(g_in: torch.Tensor, out_shape: torch.Size) -> torch.Tensor:
    """``g_in`` at the output's positions: a map ``r`` times as large each way as pixel unshuffle makes it."""
    (height, width), (out_h, out_w) = g_in.shape[2:], out_shape[2:]
    ratio = height // out_h
    if ratio < 1 or (height, width) != (ratio * out_h, ratio * out_w):
        raise ValueError(f"az_trainability compares a block's {height}x{width} input with its {out_h}x{out_w} "
                         "output, and only inputs a whole number of times as large each way are compared")
    return F.pixel_unshuffle(g_in, ratio) if ratio > 1 else g_in


def _spectral_score(g_in: torch.Tensor, g_out: torch.Tensor) -> float:
    flat_in = g_in.permute(0, 2, 3, 1).reshape(-1, g_in.shape[1])
    flat_out = g_out.permute(0, 2, 3, 1).reshape(-1, g_out.shape[1])
    s = float(torch.linalg.svdvals((flat_in.T @ flat_out / len(flat_out)).double()).max())
    return 2 - s - 1 / (s + SPECTRAL_EPS)
