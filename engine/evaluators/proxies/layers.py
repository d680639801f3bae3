"""What the proxies read from a network: its weighted layers, loss gradients and input Jacobian."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def weighted_layers(net: nn.Module) -> list[nn.Module]:
    """The layers whose weights the gradient-based proxies score: every Conv2d and Linear."""
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def loss_gradients(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> list[torch.Tensor]:
    """dL/dW of every weighted layer for one cross-entropy forward/backward pass."""
    weights = [layer.weight for layer in weighted_layers(net)]
    loss = F.cross_entropy(net(inputs), targets)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    return [torch.zeros_like(w) if g is None else g for w, g in zip(weights, grads)]


NO_INPUT_PATH = "the network's output does not depend on its input (no input-output path)"


def input_jacobian(net: nn.Module, inputs: torch.Tensor) -> tuple[np.ndarray, int]:
    """Per-image gradient of the summed output with respect to that image, flattened (float64),
    and the number of outputs (classes) of the network."""
    x = inputs.detach().clone().requires_grad_(True)
    out = net(x)
    (grad,) = torch.autograd.grad(out.sum(), x, allow_unused=True)
    if grad is None:
        raise ValueError(NO_INPUT_PATH)
    return grad.reshape(len(x), -1).double().cpu().numpy(), int(out.shape[1])


def forward_from_input(net: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """``net(inputs)``, or ValueError(NO_INPUT_PATH) where the output does not depend on the input: the rule that
    makes jacov and epe_nas undefined on such a network, for a proxy that reads activations rather than gradients
    (a network whose output is constant still has live branches whose activations vary with the images). Autograd
    tracks the input alone, the weights frozen, so the output carries a graph exactly when it depends on the
    input; no backward pass is run."""
    for p in net.parameters():
        p.requires_grad_(False)
    with torch.enable_grad():
        out = net(inputs.detach().clone().requires_grad_(True))
    if not out.requires_grad:
        raise ValueError(NO_INPUT_PATH)
    return out.detach()


def strip_batchnorm(net: nn.Module) -> None:
    """Replace every BatchNorm layer by the identity (synflow scores the BN-free network)."""
    for parent in list(net.modules()):
        for child_name, child in parent.named_children():
            if isinstance(child, nn.modules.batchnorm._BatchNorm):
                setattr(parent, child_name, nn.Identity())
