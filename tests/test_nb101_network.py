"""The NB101 network builder and its analytic parameter/FLOP counts, against the benchmark."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from nasloop.search_spaces.nb101.cost import canonical_cell, nb101_flops, network_layers
from nasloop.search_spaces.nb101.graph import NB101Cell, make_cell, parse_cell
from nasloop.search_spaces.nb101.network import NB101CellModule, build_nb101_network

SMALL = {"stem_channels": 16, "stacks": 3, "cells_per_stack": 1}  # 16 channels: 3 feeders get 6, 5, 5
VARIED = [
    "output(0)",  # input -> output only: one projection
    "conv3x3(0)+output(1)",
    "conv3x3(0)+conv1x1(0)+maxpool3x3(0)+output(1,2,3)",  # 3 feeders: uneven split, no truncation
    "conv3x3(0)+conv1x1(1)+maxpool3x3(1)+conv3x3(0)+output(0,2,3,4)",  # node 1 truncated for node 3
    "maxpool3x3(0)+conv1x1(1)+maxpool3x3(0,2)+conv3x3(0)+conv3x3(1,4)+output(3,5)",
]


@lru_cache(maxsize=None)
def records(data_dir: Path) -> list[dict]:
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as f:
        return json.load(f)


def num_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def nb101_params(cell: NB101Cell, num_classes: int = 10, stem_channels: int = 128,
                 stacks: int = 3, cells_per_stack: int = 3) -> int:
    """Trainable parameters of the cell's network counted from the layers ``nb101_flops`` counts (convs with their
    BatchNorm's two per channel, the classifier with its bias): the table's ``params`` by default."""
    total = 0
    for layer in network_layers(cell, num_classes, stem_channels, stacks, cells_per_stack):
        if layer.kind == "conv":
            total += layer.kernel ** 2 * layer.c_in * layer.c_out + 2 * layer.c_out
        elif layer.kind == "linear":
            total += (layer.c_in + 1) * layer.c_out
    return total


def counted_flops(net: nn.Module, input_size: int) -> int:
    """Multiply-adds of one forward pass under the rules of ``nb101_flops``, counted with hooks."""
    total = 0

    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal total
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            total += module.weight.numel() * output[0, 0].numel()
        elif isinstance(module, nn.BatchNorm2d):
            total += 2 * output[0].numel()
        elif isinstance(module, nn.ReLU):
            total += output[0].numel()
        elif isinstance(module, nn.MaxPool2d):
            total += module.kernel_size ** 2 * output[0].numel()
        elif isinstance(module, nn.AdaptiveAvgPool2d):
            total += inputs[0][0].numel()

    for module in net.modules():
        module.register_forward_hook(hook)
    with torch.no_grad():
        net(torch.zeros(1, 3, input_size, input_size))
    return total


def test_analytic_params_match_every_record(data_dir):
    recs = records(data_dir)
    errors = np.array([nb101_params(make_cell(r["matrix"], r["ops"])) - r["params"] for r in recs])
    print(f"max |analytic - table| params over {len(recs)} NB101 cells: {np.abs(errors).max()}")
    assert len(recs) == 30001 and np.abs(errors).max() == 0


def test_params_need_the_benchmark_numbering(data_dir):
    """The table's stored numbering of some cells splits channels unlike the one NB101 trained."""
    cells = [make_cell(r["matrix"], r["ops"]) for r in records(data_dir)[:3000]]
    pairs = [(c, canonical_cell(c)) for c in cells if canonical_cell(c) != c]
    with torch.device("meta"):
        differ = sum(num_params(NB101CellModule(stored, 128, 128))
                     != num_params(NB101CellModule(trained, 128, 128)) for stored, trained in pairs)
    assert 0 < differ <= len(pairs)


def test_module_params_match_the_table_on_a_sample(data_dir, one_torch_thread):
    recs = records(data_dir)
    for i in np.random.default_rng(0).choice(len(recs), size=60, replace=False):
        cell = make_cell(recs[i]["matrix"], recs[i]["ops"])
        with torch.device("meta"):  # shapes only: no memory, no initialisation
            net = build_nb101_network(cell)
        assert num_params(net) == recs[i]["params"] == nb101_params(cell)


@pytest.mark.parametrize("text", VARIED)
def test_forward_shape_and_flops_on_small_networks(text, one_torch_thread):
    cell = parse_cell(text)
    net = build_nb101_network(cell, num_classes=7, **SMALL)
    assert num_params(net) == nb101_params(cell, num_classes=7, **SMALL)
    out = net(torch.randn(2, 3, 15, 15))  # odd sides: pooling rounds up, like TF 'same'
    assert out.shape == (2, 7) and torch.isfinite(out).all()
    for size in (15, 32):
        assert counted_flops(net.eval(), size) == pytest.approx(
            nb101_flops(cell, num_classes=7, input_size=size, **SMALL) * 1e6, rel=1e-12)


def test_forward_has_no_data_dependent_control_flow(one_torch_thread):
    net = build_nb101_network(parse_cell(VARIED[3]), **SMALL).eval()
    traced = torch.fx.symbolic_trace(net)  # fails on Python branches that read tensor values
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        assert torch.equal(traced(x), net(x))


def test_bad_sizes_are_rejected():
    cell = parse_cell(VARIED[1])
    with pytest.raises(ValueError, match="must be positive"):
        nb101_params(cell, stacks=0)
    with pytest.raises(ValueError, match="must be positive"):
        build_nb101_network(cell, stem_channels=0)
    with pytest.raises(ValueError, match="more stem channels"):
        nb101_params(parse_cell(VARIED[2]), stem_channels=2)
