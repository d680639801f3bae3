"""What the proxies read from a network: its weighted layers, loss gradients and input Jacobian."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ...proxy_scoring import NO_INPUT_PATH


def weighted_layers(net: nn.Module) -> list[nn.Module]:
    """The layers whose weights the gradient-based proxies score: every Conv2d and Linear."""
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def loss_gradients(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> list[torch.Tensor]:
    """dL/dW of every weighted layer for one cross-entropy forward/backward pass."""
    weights = [layer.weight for layer in weighted_layers(net)]
    loss = F.cross_entropy(net(inputs), targets)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    return [torch.zeros_like(w) if g is None else g for w, g in zip(weights, grads)]


def input_jacobian(net: nn.Module, inputs: torch.Tensor) -> tuple[np.ndarray, int]:
    """Per-image gradient of the summed output with respect to that image, flattened (float64),
    and the number of outputs (classes) of the network. Scoring finds a network whose output ignores its input
    before any proxy runs; called on one directly, this has no gradient to give and says why."""
    x = inputs.detach().clone().requires_grad_(True)
    out = net(x)
    (grad,) = torch.autograd.grad(out.sum(), x, allow_unused=True)
    if grad is None:
        raise ValueError(NO_INPUT_PATH)
    return grad.reshape(len(x), -1).double().cpu().numpy(), int(out.shape[1])


def strip_batchnorm(net: nn.Module) -> None:
    """Replace every BatchNorm layer by the identity (synflow scores the BN-free network)."""
    for parent in list(net.modules()):
        for child_name, child in parent.named_children():
            if isinstance(child, nn.modules.batchnorm._BatchNorm):
                setattr(parent, child_name, nn.Identity())
