"""Activation and Jacobian proxies: jacov, nwot, epe_nas, zen, meco, swap."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

from .layers import input_jacobian
from ...proxy_registry import register_proxy

JACOBIAN_EPS = 1e-5
ZEN_MIXUP = 1e-2


@register_proxy("jacov")
def jacov(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant Jacobian gives NaN: a failure
        corr = np.corrcoef(input_jacobian(net, inputs)[0])
        if not np.isfinite(corr).all():
            return math.nan
        eig = np.linalg.eigvalsh(corr)
        return float(-np.sum(np.log(eig + JACOBIAN_EPS) + 1.0 / (eig + JACOBIAN_EPS)))


@register_proxy("nwot")
def nwot(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    n = len(inputs)
    kernel = torch.zeros((n, n), dtype=torch.float64)

    def count(_module: nn.Module, inp: tuple, _out: torch.Tensor) -> None:
        codes = (inp[0].detach().reshape(n, -1) > 0).double()
        kernel.add_((codes @ codes.T + (1 - codes) @ (1 - codes).T).cpu())

    handles = [m.register_forward_hook(count) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            net(inputs)
    finally:
        for handle in handles:
            handle.remove()
    sign, logdet = torch.linalg.slogdet(kernel)
    return float(logdet) if float(sign) > 0 else -math.inf


@register_proxy("epe_nas")
def epe_nas(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    jac, num_classes = input_jacobian(net, inputs)
    labels = targets.cpu().numpy()
    per_class = []
    for label in np.unique(labels):
        rows = jac[labels == label]
        with np.errstate(divide="ignore", invalid="ignore"):  # NaN (constant rows) fails the score
            corr = np.atleast_2d(np.corrcoef(rows)) if len(rows) > 1 else np.ones((1, 1))
        per_class.append(float(np.sum(np.log(np.abs(corr) + JACOBIAN_EPS))))
    if num_classes <= 100:
        return float(sum(abs(s) for s in per_class))
    # many classes: per-class sums are normalised by their matrix size, then compared pairwise
    sizes = [int(np.count_nonzero(labels == label)) for label in np.unique(labels)]
    scaled = np.asarray(per_class) / np.asarray(sizes)
    return float(np.abs(scaled[:, None] - scaled[None, :]).sum() / len(scaled))


@register_proxy("zen", needs_data=False)
def zen(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    pools = [m for m in net.modules() if isinstance(m, nn.AdaptiveAvgPool2d)]
    if not pools:
        raise ValueError("zen needs a network with global average pooling (nn.AdaptiveAvgPool2d)")
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm) and m.affine:
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
    features: list[torch.Tensor] = []
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]
    for m in norms:
        m.reset_running_stats()
    handle = pools[-1].register_forward_hook(lambda _m, inp, _out: features.append(inp[0]))
    x = torch.randn(inputs.shape, dtype=inputs.dtype, device=inputs.device)
    mixed = x + ZEN_MIXUP * torch.randn(inputs.shape, dtype=inputs.dtype, device=inputs.device)
    try:
        with torch.no_grad():
            net.train()
            net(x)
            net(mixed)
    finally:
        handle.remove()
    # Zen-NAS reads each BN layer's running variance after both passes; a layer fed only zeros
    # (behind a 'none' edge) keeps part of its initial variance of 1, so its log stays finite.
    log_bn_std = sum(0.5 * math.log(float(m.running_var.mean())) for m in norms)
    distance = float((features[0] - features[1]).abs().flatten(1).sum(1).mean())
    return (math.log(distance) if distance > 0 else -math.inf) + log_bn_std


@register_proxy("meco")
def meco(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """One image through the network; for every module's output feature map, the smallest eigenvalue of the
    correlation matrix between its channels, summed over modules (containers included, as the reference
    hooks every module). Undefined correlations (a constant channel, a 1x1 map) count as zero. The maps are
    copied and their matrices computed and decomposed after the pass, batched by size: one small correlation
    and decomposition per module (225 in an NB201 network) took 188 ms per NB201 cell on one CPU thread
    against 111 batched, and each synchronised the GPU, where MeCo scored fewer cells per second on an H200
    than on that machine's 16 CPU cores."""
    maps: dict[tuple[int, ...], list[torch.Tensor]] = {}

    def record(_module: nn.Module, _inp: tuple, out: Any) -> None:
        if isinstance(out, torch.Tensor) and out.dim() == 4 and out.shape[2] * out.shape[3] > 1:  # 1x1: undefined
            channels = out[0].detach().reshape(out.shape[1], -1).double()  # a copy: later in-place ops leave it be
            maps.setdefault(tuple(channels.shape), []).append(channels)

    handles = [m.register_forward_hook(record) for m in net.modules()]
    try:
        with torch.no_grad():
            net(inputs[:1])
    finally:
        for handle in handles:
            handle.remove()
    return float(sum(torch.linalg.eigvalsh(_correlations(torch.stack(group)).cpu())[:, 0].sum()
                     for group in maps.values()))


SWAP_IMAGES = 16


@register_proxy("swap")
def swap(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """SWAP-Score (Peng et al., "SWAP-NAS: Sample-Wise Activation Patterns for Ultra-fast NAS", ICLR 2024): the
    number of distinct sample-wise activation patterns. Every value a ReLU (``nn.ReLU`` on a feature map) outputs,
    at each channel and position, has one pattern: the binary vector over the images of whether it fires. The
    score counts the distinct vectors among all of them, so two ReLUs reading the same node (as NB201's edges
    leaving one node do) count once, and a network whose every ReLU input is the same for every image scores
    at most 2 (the all-off and the all-on vector). A network whose output does not depend on its input has no score,
    as for every proxy reading the images (its ReLUs on a branch reaching no output still count patterns).

    The plain score: the regularised SWAP-Score multiplies it by exp(-(params - mu)^2 / sigma), with mu and sigma
    the parameter count a user targets, which has no value without that target. The first 16 images of the batch
    (all of a smaller one), the batch the authors' code scores, with one initialisation (it averages 32 Gaussian
    re-initialisations): the count depends on the number of images, since with more of them almost every value has
    a pattern of its own and the score tends to the number of ReLU values. On 1,000 random NB201 cells (one
    initialisation, CIFAR-10 val-200) 16 images ranked at Kendall tau 0.646, 32 at 0.585, and all 64 of the
    default batch at 0.549."""
    codes: list[torch.Tensor] = []

    def record(_module: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
        if out.dim() == 4:
            codes.append((out.detach() > 0).reshape(len(out), -1).cpu())

    handles = [m.register_forward_hook(record) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            net(inputs[:SWAP_IMAGES])
    finally:
        for handle in handles:
            handle.remove()
    if not codes:
        raise ValueError("swap counts the activation patterns of nn.ReLU layers on feature maps, and this network "
                         "has none")
    return float(_distinct_columns(torch.cat(codes, dim=1)))


def _distinct_columns(bits: torch.Tensor) -> int:
    """The number of distinct columns of a (images, values) boolean matrix of at most 63 images: each column read
    as the binary number its bits spell, and the numbers deduplicated. ``np.unique(axis=0)`` on the columns took
    2.1 s for an NB201 network's 757,760 values (16 images, one CPU thread), these numbers 0.11 s."""
    place = 2 ** torch.arange(len(bits), dtype=torch.int64)
    return len(torch.unique((bits.to(torch.int64) * place[:, None]).sum(dim=0)))


def _correlations(channels: torch.Tensor) -> torch.Tensor:
    """``torch.corrcoef`` of each (channels, positions) matrix in a batch, NaN (a constant channel) read as 0."""
    centred = channels - channels.mean(dim=2, keepdim=True)
    covariance = centred @ centred.transpose(1, 2)
    std = covariance.diagonal(dim1=1, dim2=2).sqrt()
    corr = (covariance / (std[:, :, None] * std[:, None, :])).clamp(-1, 1)
    return torch.nan_to_num(corr, nan=0.0, posinf=0.0, neginf=0.0)
