"""Gradient-saliency proxies: synflow, snip, plain, grad_norm, grasp, fisher, zico."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .layers import loss_gradients, strip_batchnorm, weighted_layers
from ...proxy_registry import register_proxy


@register_proxy("synflow", needs_data=False)
def synflow(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    strip_batchnorm(net)
    net.double()
    with torch.no_grad():
        for p in net.parameters():
            p.abs_()
    ones = torch.ones((1, *inputs.shape[1:]), dtype=torch.float64, device=inputs.device)
    weights = [layer.weight for layer in weighted_layers(net)]
    grads = torch.autograd.grad(net(ones).sum(), weights, allow_unused=True)
    total = sum(float((w.detach() * g).abs().sum()) for w, g in zip(weights, grads) if g is not None)
    return math.log(total) if total > 0 else -math.inf


@register_proxy("snip")
def snip(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    grads = loss_gradients(net, inputs, targets)
    return sum(float((layer.weight.detach() * g).abs().sum()) for layer, g in zip(weighted_layers(net), grads))


@register_proxy("plain")
def plain(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    grads = loss_gradients(net, inputs, targets)
    return sum(float((layer.weight.detach() * g).sum()) for layer, g in zip(weighted_layers(net), grads))


@register_proxy("grad_norm")
def grad_norm(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    return sum(float(g.norm()) for g in loss_gradients(net, inputs, targets))


@register_proxy("grasp")
def grasp(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    weights = [layer.weight for layer in weighted_layers(net)]
    loss = F.cross_entropy(net(inputs), targets)
    grads = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True)
    live = [(w, g) for w, g in zip(weights, grads) if g is not None]
    # g^T g with one factor held constant: its gradient is the Hessian-vector product H g.
    gtg = sum((g.detach() * g).sum() for _, g in live)
    hessian_g = torch.autograd.grad(gtg, [w for w, _ in live], allow_unused=True)
    return sum(float((-w.detach() * hg).sum()) for (w, _), hg in zip(live, hessian_g) if hg is not None)


@register_proxy("fisher")
def fisher(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    layers = weighted_layers(net)
    activations: dict[nn.Module, torch.Tensor] = {}

    def keep(module: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
        activations[module] = out

    handles = [layer.register_forward_hook(keep) for layer in layers]
    try:
        loss = F.cross_entropy(net(inputs), targets)
    finally:
        for handle in handles:
            handle.remove()
    kept = [layer for layer in layers if activations[layer].requires_grad]
    act_grads = torch.autograd.grad(loss, [activations[layer] for layer in kept], allow_unused=True)
    total = 0.0
    for layer, grad in zip(kept, act_grads):
        if grad is None:
            continue
        act = activations[layer].detach()
        per_channel = act * grad if act.dim() == 2 else (act * grad).flatten(2).sum(2)  # (batch, channels)
        saliency = 0.5 * per_channel.pow(2).mean(0)
        total += float(saliency.sum()) * layer.weight[0].numel()
    return total


ZICO_SPLITS = 2


@register_proxy("zico")
def zico(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """ZiCo (Li et al., "ZiCo: Zero-shot NAS via Inverse Coefficient of Variation on Gradients", ICLR 2023): the
    cross-entropy gradient of every Conv2d and Linear weight on each of several batches; per layer, the sum over its
    weights of mean|g| / std(g) across the batches (population std), and the score is the sum over layers of that
    sum's log. Weights whose gradient does not vary (std 0) are left out and a layer with nothing left adds nothing,
    as in the authors' code: a convolution on an edge that reaches no cell output has no gradient.

    The statistics need gradients of at least two batches and a proxy sees one mini-batch, so the batch is split into
    two halves (the fewest that give a spread, each as large as possible), each half's gradient computed on its own;
    BatchNorm normalises each half with that half's statistics. The authors' code accumulates ``.grad`` over its
    batches without zeroing it, so its second "batch" is the sum of both; this follows the paper's formula. A
    network whose weights get no varying gradient at all (no input-output path) scores -inf, a failure as synflow's
    and Zen's are on it."""
    if len(inputs) < ZICO_SPLITS:
        raise ValueError(f"zico splits its mini-batch in {ZICO_SPLITS}, so it needs at least {ZICO_SPLITS} images, "
                         f"got {len(inputs)}; use a larger batch size")
    per_half = [loss_gradients(net, x, y) for x, y in zip(inputs.chunk(ZICO_SPLITS), targets.chunk(ZICO_SPLITS))]
    total, layers = 0.0, 0
    for grads in zip(*per_half):
        stacked = torch.stack([g.detach().double().flatten() for g in grads])  # (halves, weights)
        std = stacked.std(dim=0, unbiased=False)
        varies = std > 0
        ratio = float((stacked.abs().mean(dim=0)[varies] / std[varies]).sum())
        if ratio > 0:
            total += math.log(ratio)
            layers += 1
    return total if layers else -math.inf
