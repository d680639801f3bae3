"""AZ-NAS's proxies (Lee & Ham, CVPR 2024): expressivity, progressivity and trainability of a network's blocks, on
small networks whose blocks are known and on real NB201, NB101 and DARTS networks."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nasloop.engine import cli
from nasloop.engine.evaluators.proxies import get_proxy, score_architectures
from nasloop.engine.evaluators.proxies.az_nas import channel_entropy
from nasloop.engine.evaluators.proxies.blocks import block_features
from nasloop.search_spaces.darts.genotype import EXAMPLE
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space

AZ = ["az_expressivity", "az_progressivity", "az_trainability"]
CONV_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
POOL_CELL = "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|skip_connect~1|avg_pool_3x3~2|"
NONE_CELL = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
DEAD_END_CELL = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"  # its conv feeds only 'none' edges

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class Scale(nn.Module):
    """A block that multiplies its input by a constant (composite: it holds an identity, so it starts a block)."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor, self.inner = factor, nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x) * self.factor


def az(name: str, net: nn.Module, side: int = 16) -> float:
    torch.manual_seed(0)
    return get_proxy(name).fn(net, torch.zeros(8, 3, side, side), torch.zeros(8, dtype=torch.long))


def test_entropy_of_isotropic_features_is_log_channels_above_rank_deficient_ones():
    generator = torch.Generator().manual_seed(0)
    isotropic = torch.randn(8, 4, 16, 16, generator=generator)
    assert math.log(4) - 0.01 < channel_entropy(isotropic) <= math.log(4)
    weights = torch.tensor([1.0, -2.0, 3.0, 0.5]).view(1, 4, 1, 1)
    one_direction = torch.randn(8, 1, 16, 16, generator=generator) * weights
    assert channel_entropy(one_direction) == pytest.approx(0.0, abs=1e-4)  # float32 covariances
    two = torch.randn(8, 2, 16, 16, generator=generator)
    two_directions = torch.cat([two, two], dim=1)  # four channels, two independent ones of equal variance
    assert math.log(2) - 0.01 < channel_entropy(two_directions) < math.log(2) + 1e-4
    assert math.isnan(channel_entropy(torch.ones(8, 4, 16, 16)))


def test_the_blocks_of_an_nb201_network_are_its_stem_and_its_cells():
    torch.manual_seed(0)
    net = NB201Space(channels=4, cells=1).to_module(NB201Space().parse(CONV_CELL)).train()
    x = torch.randn(4, 3, 16, 16)
    with torch.no_grad():
        features = block_features(net, x)
        expected = [net[1](net[0](x))]  # the stem's convolution and BatchNorm are one block
        for cell in list(net)[2:7]:  # cell, reduction, cell, reduction, cell
            expected.append(cell(expected[-1]))
        expected[-1] = net[8](net[7](expected[-1]))  # the head's BatchNorm and ReLU finish the last cell's block
    assert len(features) == 6
    assert all(torch.allclose(f, e) for f, e in zip(features, expected))


def test_a_block_returning_its_input_is_none_and_an_in_place_op_after_one_leaves_its_map_be():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    net = nn.Sequential(conv, nn.Identity(), nn.Sequential(nn.ReLU(inplace=True), nn.Conv2d(4, 4, 1)))
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        features = block_features(net, x)
        assert len(features) == 2  # the convolution and the ReLU-conv; the identity passes its input on
        assert torch.equal(features[0], conv(x))  # negative values kept: the in-place ReLU read a copy


def test_trainability_is_two_minus_s_minus_one_over_s_of_the_blocks_gradient_map():
    """A block doubling its input sends back twice the output's +-1 gradient: the cross-covariance is twice that of
    the gradient with itself, whose largest eigenvalue is at least its diagonal, 1, so s >= 2 and the score is at
    most 2 - 2 - 1/2; its channels' expressivity is the block before's, so progressivity is 0."""
    doubling = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), Scale(2.0))
    assert -0.7 < az("az_trainability", doubling) <= -0.5
    assert az("az_progressivity", doubling) == pytest.approx(0.0, abs=1e-9)
    assert az("az_expressivity", doubling) == pytest.approx(2 * az("az_expressivity", doubling[:1]), rel=1e-9)
    with pytest.raises(ValueError, match="passes its input on unchanged: block 2 of 2's gradient is its output's"):
        az("az_trainability", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), Scale(1.0)))
    strided = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(4, 8, 2, stride=2))  # 16x16 to 8x8
    assert math.isfinite(az("az_trainability", strided))
    with pytest.raises(ValueError, match="a block's 7x7 input with its 4x4 output"):
        az("az_trainability", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(4, 4, 3, 2, padding=1)), 7)
    with pytest.raises(ValueError, match="compares consecutive blocks, and this network has 1"):
        az("az_progressivity", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1)))


def test_scores_are_finite_on_nb201_nb101_and_darts_networks_and_repeat_under_a_seed():
    nb101 = NB101Space(stem_channels=8, stacks=2, cells=1)
    cases = [(NB201Space(channels=4, cells=1), [CONV_CELL, POOL_CELL]),
             (nb101, [nb101.sample(np.random.default_rng(0))]),
             (DartsSpace(channels=4, layers=3), [EXAMPLE])]
    for space, archs in cases:
        records = score_architectures(space, archs, AZ, batch_size=8)
        for record in records:
            assert "errors" not in record, (space.name, record.get("errors"))
            assert all(math.isfinite(v) for v in record["scores"].values()), space.name
            assert record["scores"]["az_trainability"] <= 0  # 2 - s - 1/s is at most 0
        again = score_architectures(space, archs, AZ, batch_size=8)
        assert [r["scores"] for r in again] == [r["scores"] for r in records], space.name
    space = NB201Space(channels=4, cells=1)
    conv, pool = (r["scores"] for r in score_architectures(space, [CONV_CELL, POOL_CELL], AZ, batch_size=8))
    assert conv["az_expressivity"] > pool["az_expressivity"]  # convolutions spread features over more directions
    reseeded = score_architectures(space, [CONV_CELL], AZ, batch_size=8, seed=1)[0]["scores"]
    assert all(reseeded[name] != conv[name] for name in AZ)  # the seed reaches the weights and the noise


def test_they_are_undefined_on_a_network_whose_output_ignores_its_input():
    records = score_architectures(NB201Space(channels=4, cells=1), [NONE_CELL, DEAD_END_CELL], AZ + ["params"],
                                  batch_size=8)
    for record in records:
        assert all(record["scores"][name] is None for name in AZ) and record["scores"]["params"] > 0
        assert all("feature map is constant" in record["errors"][name] for name in AZ), record["errors"]
        assert "failed" not in record  # undefined for the network, not a failure to score it again


def test_the_command_scores_them_without_images_on_a_dataset_nasloop_cannot_load(tmp_path, capsys):
    archs = tmp_path / "archs.txt"
    archs.write_text(CONV_CELL + "\n")
    assert cli.main(["proxies", "--space", "nb201", "--space-opt", "channels=4", "--space-opt", "cells=1",
                     "--archs-file", str(archs), "--proxies", ",".join(AZ), "--batch-size", "8",
                     "--dataset", "ImageNet16-120", "--data-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert all(re.search(rf"{name}=-?[0-9.]+", printed) for name in AZ), printed


def test_they_read_gaussian_noise_of_the_batch_shape_after_a_kaiming_reinitialisation():
    """The proxies read Gaussian noise of the batch's shape, not its images: real and zero batches score alike."""
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(4, 4, 1))
    torch.manual_seed(0)
    images = torch.randn(8, 3, 16, 16) * 5 + 3
    torch.manual_seed(0)
    from_images = get_proxy("az_expressivity").fn(net, images, torch.zeros(8, dtype=torch.long))
    assert from_images == az("az_expressivity", net)
    torch.manual_seed(0)
    for m in net:
        nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
        nn.init.zeros_(m.bias)
    noise = torch.randn(8, 3, 16, 16)
    with torch.no_grad():
        first = net[0](noise)
        expected = channel_entropy(first) + channel_entropy(F.conv2d(first, net[1].weight))
    assert from_images == pytest.approx(expected, rel=1e-6)
