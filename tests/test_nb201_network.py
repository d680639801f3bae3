"""The NB201 network builder and its analytic parameter/FLOP counts, against the benchmark."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from nasloop.search_spaces.nb201.cost import nb201_params_flops
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.network import build_nb201_network

# dataset key in the proxy file -> (classes, input side)
DATASETS = {"cifar10": (10, 32), "cifar100": (100, 32), "ImageNet16-120": (120, 16)}

NONE, SKIP, CONV1, CONV3, POOL = range(5)
VARIED_CELLS = [
    (NONE,) * 6,
    (SKIP,) * 6,
    (CONV1,) * 6,
    (CONV3,) * 6,
    (POOL,) * 6,
    (NONE, NONE, CONV3, NONE, CONV3, CONV1),  # convs reading nodes that are always zero
    (CONV3, CONV3, NONE, NONE, NONE, NONE),  # output node has no live input
    (SKIP, NONE, NONE, NONE, NONE, POOL),
] + [tuple(int(op) for op in row) for row in np.random.default_rng(0).integers(0, 5, size=(12, 6))]


@lru_cache(maxsize=None)
def benchmark_records(dataset: str, data_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cells, params, flops) of every NB201 record of ``dataset`` in the zero-cost proxy file."""
    with gzip.open(data_dir / "zc_proxies_partial.json.gz", "rt") as f:
        records = list(json.load(f)["nasbench201"][dataset].values())
    cells = np.array([NB201Space().parse(r["arch_str"]) for r in records])
    return cells, np.array([r["params"] for r in records]), np.array([r["flops"] for r in records])


def num_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def counted_flops(net: nn.Module, input_size: int) -> int:
    """FLOPs of one forward pass under the benchmark's per-layer rules, counted with hooks."""
    total = 0

    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal total
        x = inputs[0]
        if isinstance(module, nn.Conv2d):
            total += module.weight.numel() * output.shape[2] * output.shape[3]
        elif isinstance(module, nn.Linear):
            total += module.weight.numel()
        elif isinstance(module, nn.BatchNorm2d):
            total += 2 * x.numel()
        elif isinstance(module, nn.ReLU):
            total += x.numel()
        elif isinstance(module, nn.AvgPool2d):
            total += module.kernel_size**2 * output.numel()
        elif isinstance(module, nn.AdaptiveAvgPool2d):
            total += x.shape[1] * (x.shape[2] + 1) * (x.shape[3] + 1)

    handles = [m.register_forward_hook(hook) for m in net.modules() if not list(m.children())]
    with torch.no_grad():
        net.eval()(torch.zeros(1, 3, input_size, input_size))
    for handle in handles:
        handle.remove()
    return total


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_analytic_counts_match_benchmark(dataset: str, data_dir: Path) -> None:
    cells, params, flops = benchmark_records(dataset, data_dir)
    num_classes, input_size = DATASETS[dataset]
    assert len(cells) > 700
    got_params, got_flops = nb201_params_flops(cells, num_classes, input_size=input_size)
    np.testing.assert_allclose(got_params, params, rtol=1e-3)
    np.testing.assert_allclose(got_flops, flops, rtol=1e-3)
    # the file rounds to 6 significant digits; the counts are exact, so they agree far closer
    assert np.max(np.abs(got_params / params - 1)) < 1e-5
    assert np.max(np.abs(got_flops / flops - 1)) < 1e-5


def test_analytic_counts_whole_space_fast() -> None:
    cells = np.array(np.meshgrid(*[range(5)] * 6, indexing="ij")).reshape(6, -1).T
    params, flops = nb201_params_flops(cells)
    assert params.shape == flops.shape == (15625,)
    assert params.min() == params[0] and flops.min() == flops[0]  # all-'none' is the smallest
    assert params.max() == params[cells.tolist().index([CONV3] * 6)]


@pytest.mark.parametrize("cell", VARIED_CELLS, ids=lambda c: "".join(map(str, c)))
def test_built_params_equal_analytic(cell: tuple[int, ...]) -> None:
    params, _ = nb201_params_flops(np.array([cell]))
    assert num_params(build_nb201_network(cell)) == round(params[0] * 1e6)


def test_all_conv3_params_match_published_value() -> None:
    assert num_params(build_nb201_network((CONV3,) * 6)) == 1_531_546


def test_forward_backward_finite() -> None:
    torch.manual_seed(0)
    net = build_nb201_network((CONV3, SKIP, CONV1, POOL, NONE, CONV3))
    logits = net(torch.randn(4, 3, 32, 32))
    assert logits.shape == (4, 10) and torch.isfinite(logits).all()
    logits.logsumexp(dim=1).mean().backward()
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


def test_all_none_network_runs() -> None:
    net = build_nb201_network((NONE,) * 6)
    logits = net(torch.randn(4, 3, 32, 32))
    assert logits.shape == (4, 10) and torch.isfinite(logits).all()
    logits.sum().backward()
    assert torch.isfinite(net[-1].weight.grad).all()


def test_channels_last_and_compile_match_eager() -> None:
    torch.manual_seed(0)
    net = build_nb201_network((CONV3, NONE, POOL, SKIP, NONE, CONV1), cells_per_stage=1).eval()
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        expected = net(x)
        fast = net.to(memory_format=torch.channels_last)
        torch.testing.assert_close(fast(x.to(memory_format=torch.channels_last)), expected)
        compiled = torch.compile(fast, backend="eager", fullgraph=True)  # fails on graph breaks
        torch.testing.assert_close(compiled(x.to(memory_format=torch.channels_last)), expected)


@pytest.mark.parametrize(
    ("channels", "cells_per_stage", "num_classes", "input_size"),
    [(8, 1, 10, 32), (16, 2, 100, 16), (24, 3, 120, 16), (16, 0, 10, 32)],
)
def test_options_change_counts_as_predicted(
    channels: int, cells_per_stage: int, num_classes: int, input_size: int
) -> None:
    cells = [(CONV3,) * 6, (NONE, SKIP, CONV1, POOL, CONV3, NONE), (NONE,) * 6]
    params, flops = nb201_params_flops(
        np.array(cells), num_classes=num_classes, input_size=input_size,
        channels=channels, cells_per_stage=cells_per_stage,
    )
    for cell, p, f in zip(cells, params, flops):
        net = build_nb201_network(cell, num_classes, channels, cells_per_stage)
        assert num_params(net) == round(p * 1e6)
        assert counted_flops(net, input_size) == round(f * 1e6)


def test_analytic_counts_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        nb201_params_flops(np.zeros((3, 5), dtype=int))
    with pytest.raises(ValueError):
        nb201_params_flops(np.full((1, 6), 5))
    with pytest.raises(ValueError):
        nb201_params_flops(np.zeros((1, 6), dtype=int), input_size=30)
