"""Gradient-saliency proxies: synflow, snip, plain, grad_norm, grasp, fisher."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .layers import loss_gradients, strip_batchnorm, weighted_layers
from .registry import register_proxy


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
