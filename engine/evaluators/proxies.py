"""Zero-cost proxies: cheap scores of an untrained network that rank architectures.

Each proxy is a function ``(net, inputs, targets) -> float`` registered by name with
:func:`register_proxy`; users add their own the same way (or through the ``nasloop.proxies``
entry-point group). ``net`` is a freshly initialised network owned by the proxy (it may modify it),
``inputs`` a normalised NCHW mini-batch and ``targets`` its int64 labels. A proxy registered with
``needs_data=False`` reads only the batch's shape, so it also works for datasets whose images
nasloop cannot load.

The definitions follow the papers, with the conventions NAS-Bench-Suite-Zero (Krishnakumar et al.,
2022) used to score NAS-Bench-201, so our scores rank cells as its published ones do: networks in
train mode (BatchNorm normalises with the batch's own statistics), cross-entropy loss, one
mini-batch, per-layer sums over the weights of every Conv2d and Linear layer.

* synflow (Tanaka et al. 2020, Abdelfattah et al. 2021): BatchNorm bypassed, weights replaced by
  their absolute values, one all-ones input in float64; sum over weights of |w * dR/dw| with R the
  summed output. Reported as its natural log (as NAS-Bench-Suite-Zero stores it): the raw sum
  spans dozens of orders of magnitude.
* snip: sum |w * dL/dw|. grad_norm: sum over layers of ||dL/dW||. plain: sum w * dL/dw.
* grasp: sum of -w * (H g), g the loss gradient and H the Hessian, by a Hessian-vector product.
* fisher: per output channel of each layer, half the batch mean of (sum over positions of
  activation * its gradient)^2, counted once per weight of that channel (the per-weight arrays
  the zero-cost reference sums).
* jacov: -sum(log(v + k) + 1/(v + k)) over the eigenvalues v of the correlation matrix of the
  per-image input gradients of the summed output (k = 1e-5).
* nwot (Mellor et al. 2021): log-determinant of the kernel counting, for each pair of images, the
  ReLUs that both fire or both stay off.
* epe_nas (Lopes et al. 2021): per class, sum log(|corr| + k) of the input-gradient correlations
  of that class's images; the score is the sum of their absolute values (classes <= 100) or the
  mean pairwise difference between classes (more classes).
* zen (Lin et al. 2021): Gaussian weights (BatchNorm affine reset), Gaussian inputs x and
  x + 0.01 * e with fixed seeds, BatchNorm in train mode; log of the batch mean of the L1
  distance between the two feature maps entering global average pooling, plus the log standard
  deviation of every BatchNorm layer, read from its running variance after the two passes as
  the Zen-NAS reference implementation (and NAS-Bench-Suite-Zero) does.
* l2_norm: sum over layers of ||W||. params: parameter count (millions). flops: multiply-adds of
  one image (millions), counted with the per-layer rules of the torchstat counter that
  NAS-Bench-Suite-Zero used (see :mod:`nasloop.search_spaces.nb201_cost`, which it matches).

Scores that come out NaN or infinite (a network with no path from input to output has zero
synflow and zen, for instance) are reported as failures with a reason, never raised.
"""
from __future__ import annotations

import copy
import math
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ...search_spaces.base import SearchSpace
from ..data.cifar import load_cifar10
from ..errors import ConfigError, DataError
from ..registry import Registry
from ..types import Arch

ProxyFn = Callable[[nn.Module, torch.Tensor, torch.Tensor], float]

JACOBIAN_EPS = 1e-5
ZEN_MIXUP = 1e-2


@dataclass(frozen=True)
class Proxy:
    """A registered proxy: its function and whether it reads the images and labels."""

    name: str
    fn: ProxyFn
    needs_data: bool = True


PROXIES: Registry = Registry("proxies", "zero-cost proxy")


def register_proxy(name: str, *, needs_data: bool = True) -> Callable[[ProxyFn], ProxyFn]:
    """Decorator: ``@register_proxy("name")`` on a function ``(net, inputs, targets) -> float``.

    ``needs_data=False`` declares that the function reads only the batch's shape (synflow, zen,
    params...), so it runs where no images are available.
    """

    def decorate(fn: ProxyFn) -> ProxyFn:
        PROXIES.register(name)(Proxy(name, fn, needs_data))
        return fn

    return decorate


def get_proxy(name: str) -> Proxy:
    """The proxy registered as ``name``; one-line RegistryError naming the known ones otherwise."""
    item = PROXIES.get(name)
    if isinstance(item, Proxy):
        return item
    if callable(item):  # an entry point naming a bare function
        return Proxy(name, item, bool(getattr(item, "needs_data", True)))
    raise ConfigError(f"zero-cost proxy '{name}' is registered as {item!r}, not a function; "
                      "register a function (net, inputs, targets) -> float")


# --- helpers ---------------------------------------------------------------------------------
def _weighted_layers(net: nn.Module) -> list[nn.Module]:
    """The layers whose weights the gradient-based proxies score: every Conv2d and Linear."""
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def _loss_gradients(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> list[torch.Tensor]:
    """dL/dW of every weighted layer for one cross-entropy forward/backward pass."""
    weights = [layer.weight for layer in _weighted_layers(net)]
    loss = F.cross_entropy(net(inputs), targets)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    return [torch.zeros_like(w) if g is None else g for w, g in zip(weights, grads)]


def _input_jacobian(net: nn.Module, inputs: torch.Tensor) -> tuple[np.ndarray, int]:
    """Per-image gradient of the summed output with respect to that image, flattened (float64),
    and the number of outputs (classes) of the network."""
    x = inputs.detach().clone().requires_grad_(True)
    out = net(x)
    (grad,) = torch.autograd.grad(out.sum(), x, allow_unused=True)
    if grad is None:
        raise ValueError("the network's output does not depend on its input (no input-output path)")
    return grad.reshape(len(x), -1).double().cpu().numpy(), int(out.shape[1])


def _strip_batchnorm(net: nn.Module) -> None:
    """Replace every BatchNorm layer by the identity (synflow scores the BN-free network)."""
    for parent in list(net.modules()):
        for child_name, child in parent.named_children():
            if isinstance(child, nn.modules.batchnorm._BatchNorm):
                setattr(parent, child_name, nn.Identity())


# --- gradient-saliency proxies ----------------------------------------------------------------
@register_proxy("synflow", needs_data=False)
def synflow(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    _strip_batchnorm(net)
    net.double()
    with torch.no_grad():
        for p in net.parameters():
            p.abs_()
    ones = torch.ones((1, *inputs.shape[1:]), dtype=torch.float64, device=inputs.device)
    weights = [layer.weight for layer in _weighted_layers(net)]
    grads = torch.autograd.grad(net(ones).sum(), weights, allow_unused=True)
    total = sum(float((w.detach() * g).abs().sum()) for w, g in zip(weights, grads) if g is not None)
    return math.log(total) if total > 0 else -math.inf


@register_proxy("snip")
def snip(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    grads = _loss_gradients(net, inputs, targets)
    return sum(float((layer.weight.detach() * g).abs().sum()) for layer, g in zip(_weighted_layers(net), grads))


@register_proxy("plain")
def plain(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    grads = _loss_gradients(net, inputs, targets)
    return sum(float((layer.weight.detach() * g).sum()) for layer, g in zip(_weighted_layers(net), grads))


@register_proxy("grad_norm")
def grad_norm(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    return sum(float(g.norm()) for g in _loss_gradients(net, inputs, targets))


@register_proxy("grasp")
def grasp(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    weights = [layer.weight for layer in _weighted_layers(net)]
    loss = F.cross_entropy(net(inputs), targets)
    grads = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True)
    live = [(w, g) for w, g in zip(weights, grads) if g is not None]
    # g^T g with one factor held constant: its gradient is the Hessian-vector product H g.
    gtg = sum((g.detach() * g).sum() for _, g in live)
    hessian_g = torch.autograd.grad(gtg, [w for w, _ in live], allow_unused=True)
    return sum(float((-w.detach() * hg).sum()) for (w, _), hg in zip(live, hessian_g) if hg is not None)


@register_proxy("fisher")
def fisher(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    layers = _weighted_layers(net)
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


# --- activation and Jacobian proxies ------------------------------------------------------------
@register_proxy("jacov")
def jacov(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant Jacobian gives NaN: a failure
        corr = np.corrcoef(_input_jacobian(net, inputs)[0])
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
    jac, num_classes = _input_jacobian(net, inputs)
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


# --- data-free structural proxies ---------------------------------------------------------------
@register_proxy("l2_norm", needs_data=False)
def l2_norm(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    return sum(float(layer.weight.detach().norm()) for layer in _weighted_layers(net))


@register_proxy("params", needs_data=False)
def params(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    return sum(p.numel() for p in net.parameters()) / 1e6


@register_proxy("flops", needs_data=False)
def flops(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    total = 0

    def count(module: nn.Module, inp: tuple, out: torch.Tensor) -> None:
        nonlocal total
        total += _layer_flops(module, inp[0], out)

    handles = [m.register_forward_hook(count) for m in net.modules() if not list(m.children())]
    try:
        with torch.no_grad():
            net.eval()  # one image: BatchNorm must not need batch statistics
            net(torch.zeros((1, *inputs.shape[1:]), dtype=inputs.dtype, device=inputs.device))
    finally:
        for handle in handles:
            handle.remove()
    return total / 1e6


def _layer_flops(module: nn.Module, inp: torch.Tensor, out: torch.Tensor) -> int:
    """One image's FLOPs of a leaf layer under the torchstat rules (multiply-adds count once)."""
    if isinstance(module, nn.Conv2d):
        return module.weight.numel() * out[0, 0].numel()
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return (2 if module.affine else 1) * inp[0].numel()
    if isinstance(module, (nn.ReLU, nn.ReLU6, nn.LeakyReLU)):
        return inp[0].numel()
    if isinstance(module, nn.AvgPool2d):
        k = module.kernel_size
        return (k * k if isinstance(k, int) else k[0] * k[1]) * out[0].numel()
    if isinstance(module, nn.AdaptiveAvgPool2d):
        channels, height, width = inp[0].shape
        return channels * (height + 1) * (width + 1)  # torchstat's window rule for a global pool
    if isinstance(module, nn.Linear):
        return module.in_features * module.out_features
    return 0


def proxy_names() -> list[str]:
    """Every registered proxy name."""
    return PROXIES.names()


def resolve(names: Iterable[str] | str) -> list[Proxy]:
    """Proxies by name (a list, or one comma-separated string); one-line errors for unknown or no names."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",")]
    names = [n for n in names if n]
    if not names:
        raise ConfigError(f"no zero-cost proxy named; choose from: {', '.join(proxy_names())}")
    if len(set(names)) != len(names):
        raise ConfigError(f"zero-cost proxies listed twice in {','.join(names)}; name each once")
    return [get_proxy(n) for n in names]


# --- scoring architectures ----------------------------------------------------------------------
# Dataset -> (classes, image side) of its NB201 networks.
DATASETS: dict[str, tuple[int, int]] = {"cifar10": (10, 32), "cifar100": (100, 32), "ImageNet16-120": (120, 16)}
# The normalisation NAS-Bench-201 trained its CIFAR networks with.
CIFAR_MEAN = (125.3 / 255, 123.0 / 255, 113.9 / 255)
CIFAR_STD = (63.0 / 255, 62.1 / 255, 66.7 / 255)


def dataset_shape(dataset: str) -> tuple[int, int]:
    """(number of classes, image side) of a dataset proxies can score for; ConfigError otherwise."""
    try:
        return DATASETS[dataset]
    except KeyError:
        raise ConfigError(f"unknown dataset '{dataset}' for zero-cost proxies; choose from: "
                          f"{', '.join(DATASETS)}") from None


@lru_cache(maxsize=8)
def _cifar10_batch(data_dir: str | None, batch_size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random mini-batch of real CIFAR-10 training images, normalised; cached per process."""
    images, labels = load_cifar10(data_dir, split="train")
    if batch_size > len(images):
        raise ConfigError(f"batch size {batch_size} exceeds the {len(images)} CIFAR-10 training images found; "
                          "choose a smaller --batch-size")
    rows = np.sort(np.random.default_rng(seed).choice(len(images), size=batch_size, replace=False))
    x = torch.from_numpy(images[rows].astype(np.float32) / 255.0).permute(0, 3, 1, 2)
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous(), torch.from_numpy(labels[rows].astype(np.int64))


def minibatch(proxies: Sequence[Proxy], dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
              batch_size: int = 64, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The (inputs, targets) every proxy of one run sees.

    Real CIFAR-10 images when a proxy reads data. When none does, or the dataset has no images
    nasloop can load, data-free proxies get a zero batch of the right shape: they read only its
    shape. Proxies that need images of such a dataset fail here in one line.
    """
    _, side = dataset_shape(dataset)
    if batch_size < 2:
        raise ConfigError(f"batch size must be at least 2 for zero-cost proxies, got {batch_size}")
    needy = [p.name for p in proxies if p.needs_data]
    if needy and dataset == "cifar10":
        return _cifar10_batch(str(data_dir) if data_dir else None, int(batch_size), int(seed))
    if needy:
        raise DataError(f"proxies {', '.join(needy)} need {dataset} images, which nasloop cannot load; "
                        f"use --dataset cifar10 or only data-free proxies "
                        f"({', '.join(n for n in proxy_names() if not get_proxy(n).needs_data)})")
    return torch.zeros((batch_size, 3, side, side)), torch.zeros(batch_size, dtype=torch.int64)


@dataclass
class ProxyScores:
    """One architecture's scores: finite values by proxy, failure reasons by proxy, seconds."""

    scores: dict[str, float]
    errors: dict[str, str]
    seconds: dict[str, float]


def score_network(build: Callable[[], nn.Module], proxies: Sequence[Proxy], inputs: torch.Tensor,
                  targets: torch.Tensor, seed: int = 0, device: str = "cpu") -> ProxyScores:
    """Score one network with each proxy, each on its own identically initialised copy.

    The network is built under ``seed`` and every proxy runs with the RNG reset to ``seed``, so a
    score depends only on (architecture, batch, seed); the caller's global RNG is left untouched.
    NaN, infinite scores and numerical errors become failures with a reason.
    """
    out = ProxyScores({}, {}, {})
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        start = time.perf_counter()
        template = build().to(device).train()
        build_seconds = time.perf_counter() - start
        x, y = inputs.to(device), targets.to(device)
        for index, proxy in enumerate(proxies):
            start = time.perf_counter()
            torch.manual_seed(seed)
            net = template if index == len(proxies) - 1 else copy.deepcopy(template)
            try:
                value = float(proxy.fn(net, x, y))
            except (RuntimeError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
                out.errors[proxy.name] = f"{proxy.name} failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            else:
                if math.isfinite(value):
                    out.scores[proxy.name] = value
                else:
                    out.errors[proxy.name] = f"{proxy.name} is {value} (the network carries no signal or overflowed)"
            out.seconds[proxy.name] = time.perf_counter() - start + (build_seconds if index == 0 else 0.0)
    return out


def score_architectures(space: SearchSpace, archs: Sequence[Arch | str], proxies: Sequence[str] | str,
                        dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
                        batch_size: int = 64, seed: int = 0, device: str = "cpu",
                        on_result: Callable[[dict[str, Any]], None] | None = None,
                        module_options: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Score architectures (values or their strings) with zero-cost proxies on one real mini-batch.

    Returns one ``{"arch": str, "scores": {proxy: float}, "seconds": float}`` per architecture, in
    order, with ``"proxy_seconds": {proxy: float}`` (network construction counted in the first
    proxy's) and, when a proxy failed, ``"errors": {proxy: reason}`` (its score is then None).
    ``on_result`` sees each record as it is produced (progress, streaming output).
    ``module_options`` go to ``space.to_module`` (e.g. ``channels``, ``cells_per_stage``).
    """
    chosen = resolve(proxies)
    num_classes, _ = dataset_shape(dataset)
    parsed = [space.parse(a) if isinstance(a, str) else space.validate(a) for a in archs]
    inputs, targets = minibatch(chosen, dataset, data_dir, batch_size, seed)
    options = dict(module_options or {})
    records = []
    for arch in parsed:
        start = time.perf_counter()
        result = score_network(lambda: space.to_module(arch, num_classes=num_classes, **options),
                               chosen, inputs, targets, seed, device)
        record: dict[str, Any] = {"arch": space.format(arch),
                                  "scores": {p.name: result.scores.get(p.name) for p in chosen},
                                  "seconds": time.perf_counter() - start,
                                  "proxy_seconds": result.seconds}
        if result.errors:
            record["errors"] = result.errors
        records.append(record)
        if on_result is not None:
            on_result(record)
    return records


def proxy_vectors(space: SearchSpace, archs: Sequence[Arch | str], proxies: Sequence[str] | str,
                  **options: Any) -> np.ndarray:
    """An (n, len(proxies)) float array of scores: a score-based encoding for predictors.

    ``functools.partial(proxy_vectors, space, proxies=[...])`` is the ``archs -> (n, d)`` callable
    a predictor's supplementary encoding takes. A failed score (a network with no input-output
    path has no synflow or zen) becomes its column's lowest finite score, so such networks rank
    below every working one instead of poisoning the features with NaN.
    """
    names = [p.name for p in resolve(proxies)]
    records = score_architectures(space, archs, names, **options)
    out = np.array([[np.nan if r["scores"][n] is None else r["scores"][n] for n in names] for r in records],
                   dtype=np.float64).reshape(len(records), len(names))
    for col, name in enumerate(names):
        finite = np.isfinite(out[:, col])
        if not finite.any() and len(out):
            raise DataError(f"proxy '{name}' failed on every architecture given "
                            f"({records[0]['errors'][name]}); drop it from the encoding")
        out[~finite, col] = out[finite, col].min() if finite.any() else np.nan
    return out
