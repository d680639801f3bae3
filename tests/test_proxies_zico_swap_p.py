"""ZiCo and SWAP, the zero-cost proxies of Li et al. (ICLR 2023) and Peng et al. (ICLR 2024), on real NB201 networks
and real CIFAR-10 images, and against their definitions on small networks computed here by other means."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nasloop.engine import cli
from nasloop.engine.context import RunContext
from nasloop.engine.evaluators.proxies import get_proxy, minibatch, proxy_names, resolve, score_architectures
from nasloop.engine.evaluators.proxy import ProxyEvaluator
from nasloop.search_spaces.nb201 import NB201Space

CONV_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
ALL_OPS_CELL = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|none~1|avg_pool_3x3~2|"
NONE_CELL = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
README = Path(__file__).resolve().parents[1] / "README.md"

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class DeadBranch(nn.Module):
    """A convolution, a ReLU and a classifier, and a second convolution the forward pass never reaches (as a
    convolution on an NB201 edge leading nowhere): it gets no gradient."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.unused = nn.Conv2d(4, 4, 1)
        self.head = nn.Linear(4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(F.relu(self.conv(x)).mean(dim=(2, 3)))


class TwoReaders(nn.Module):
    """Two ReLUs reading the same feature map, as NB201 edges leaving one node do."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.first, self.second = nn.ReLU(), nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x)
        return self.first(h) + self.second(h)


def images(count: int, seed: int = 0, side: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(count, 3, side, side, generator=generator), torch.randint(0, 10, (count,), generator=generator)


def test_zico_and_swap_are_finite_on_real_cells_and_the_same_for_the_same_seed(data_dir):
    space = NB201Space()
    records = score_architectures(space, [CONV_CELL, ALL_OPS_CELL], "zico,swap", data_dir=data_dir, batch_size=16)
    for record in records:
        assert "errors" not in record, record.get("errors")
        assert all(math.isfinite(v) for v in record["scores"].values())
        assert record["scores"]["swap"] == int(record["scores"]["swap"]) > 2  # a count, of far more than 2 patterns
    conv, other = (r["scores"] for r in records)
    assert conv["zico"] > other["zico"] and conv["swap"] > other["swap"]  # five convolutions against two
    again = score_architectures(space, [ALL_OPS_CELL], "zico,swap", data_dir=data_dir, batch_size=16)[0]["scores"]
    assert again == other
    reseeded = score_architectures(space, [ALL_OPS_CELL], "zico", data_dir=data_dir, batch_size=16, seed=1)
    assert reseeded[0]["scores"]["zico"] != other["zico"]  # the seed reaches the weights and the batch


def test_zico_is_the_log_sum_of_each_layers_mean_over_std_of_the_two_halves_gradients():
    torch.manual_seed(0)
    net = DeadBranch()
    inputs, targets = images(6)
    halves = []
    for x, y in ((inputs[:3], targets[:3]), (inputs[3:], targets[3:])):
        net.zero_grad()
        F.cross_entropy(net(x), y).backward()
        halves.append([net.conv.weight.grad.numpy().ravel().copy(), net.head.weight.grad.numpy().ravel().copy()])
    expected = 0.0
    for first, second in zip(*halves):  # the unused convolution has no gradient: it adds nothing
        stacked = np.stack([first, second]).astype(np.float64)
        std, mean_abs = stacked.std(axis=0), np.abs(stacked).mean(axis=0)
        expected += math.log(np.sum(mean_abs[std > 0] / std[std > 0]))
    assert get_proxy("zico").fn(net, inputs, targets) == pytest.approx(expected, rel=1e-9)
    with pytest.raises(ValueError, match="zico splits its mini-batch in 2, so it needs at least 2 images, got 1"):
        get_proxy("zico").fn(net, inputs[:1], targets[:1])


def test_swap_counts_distinct_sample_wise_patterns_once_however_many_relus_read_them():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 2, 3, stride=2, padding=1), nn.ReLU())
    inputs, targets = images(5)
    with torch.no_grad():
        first = net[1](net[0](inputs))
        second = net[3](net[2](first))
    columns = torch.cat([(m > 0).reshape(5, -1) for m in (first, second)], dim=1).T.tolist()
    expected = len({tuple(column) for column in columns})
    assert 2 < expected < len(columns)  # some values share a pattern: the count is not the number of values
    assert get_proxy("swap").fn(net, inputs, targets) == expected
    readers = TwoReaders()
    with torch.no_grad():
        once = len({tuple(c) for c in (readers.conv(inputs) > 0).reshape(5, -1).T.tolist()})
    assert get_proxy("swap").fn(readers, inputs, targets) == once
    many, _ = images(40)  # the authors' 16 images: the first 16 of a larger batch, whatever the others are
    with torch.no_grad():
        first16 = len({tuple(c) for c in (readers.conv(many[:16]) > 0).reshape(16, -1).T.tolist()})
    assert get_proxy("swap").fn(readers, many, torch.zeros(40, dtype=torch.long)) == first16
    assert get_proxy("swap").fn(readers, many[24:], torch.zeros(16, dtype=torch.long)) != first16
    with pytest.raises(ValueError, match="swap counts the activation patterns of nn.ReLU layers"):
        get_proxy("swap").fn(nn.Sequential(nn.Conv2d(3, 2, 1)), inputs, targets)


def test_swap_of_a_batch_of_one_image_repeated_is_its_minimum_of_two_patterns(data_dir):
    space = NB201Space()
    inputs, targets = minibatch(resolve("swap"), data_dir=data_dir, batch_size=8)
    torch.manual_seed(0)
    net = space.to_module(space.parse(CONV_CELL))
    same = inputs[:1].repeat(8, 1, 1, 1)  # every ReLU input is the same for every image: all-off or all-on only
    assert get_proxy("swap").fn(net, same, targets) == 2
    assert get_proxy("swap").fn(net, inputs, targets) == 2 ** 8  # 8 distinct images: every pattern 8 bits allow


def test_a_cell_of_none_edges_has_no_zico_swap_or_grad_norm_as_it_has_no_synflow(data_dir):
    """Its output does not depend on its input: every proxy reading the images is undefined there (swap counted 1
    pattern and grad_norm 0, where a cell whose conv feeds only 'none' edges counted 7435)."""
    record = score_architectures(NB201Space(), [NONE_CELL], "zico,swap,synflow,grad_norm", data_dir=data_dir,
                                 batch_size=8)[0]
    assert all(value is None for value in record["scores"].values())  # no signal: undefined
    assert record["errors"]["zico"] == ("zico failed: the network's output does not depend on its input "
                                        "(no input-output path)")
    assert record["errors"]["swap"] == record["errors"]["zico"].replace("zico", "swap")
    assert "failed" not in record


def test_the_command_and_the_evaluator_take_them(data_dir, tmp_path, capsys):
    archs = tmp_path / "archs.txt"
    archs.write_text(CONV_CELL + "\n")
    assert cli.main(["proxies", "--space", "nb201", "--space-opt", "channels=4", "--space-opt", "cells=1",
                     "--archs-file", str(archs), "--proxies", "zico,swap", "--batch-size", "8",
                     "--data-dir", str(data_dir)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"zico=[0-9.]+", printed) and re.search(r"swap=[0-9]", printed), printed
    space = NB201Space(channels=4, cells=1)
    evaluator = ProxyEvaluator(space, RunContext(data_dir=str(data_dir)), proxies="swap,zico", batch_size=8)
    evaluator.check()
    result = evaluator.evaluate(space.parse(CONV_CELL))
    assert result.ok and evaluator.objective == "swap" and not evaluator.minimize
    assert result.metrics["swap"] > 2 and math.isfinite(result.metrics["zico"])


def test_the_readme_lists_every_built_in_proxy():
    row = next(line for line in README.read_text().splitlines() if line.startswith("| proxies |"))
    built_in = [n for n in proxy_names() if get_proxy(n).fn.__module__.startswith("nasloop.engine.evaluators.")]
    assert {"zico", "swap"} <= set(built_in)
    assert [n for n in built_in if not re.search(rf"\b{n}\b", row)] == []
