"""Every proxy that reads the images is undefined for a network whose output does not depend on its input, by one rule
of the scoring: swap scored 7435 and meco 0.31 on an NB201 cell whose conv feeds only 'none' edges, the gradient
saliencies 0 or the labels' own fisher, where jacov, nwot and epe_nas (and the stored table) have none. Checked over
every registered proxy, so one added later is held to it too; the data-free ones (params, flops...) keep their
values."""
from __future__ import annotations

from typing import Iterator

import pytest
import torch
from torch import nn

from nasloop.engine.evaluators.proxies import (get_proxy, proxy_names, register_proxy, score_architectures,
                                               score_network)
from nasloop.engine.proxy_registry import PROXIES
from nasloop.engine.proxy_scoring import NO_INPUT_PATH
from nasloop.search_spaces.nb201 import NB201Space

DEAD_END_CELL = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"  # its conv feeds only 'none' edges

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class Branch(nn.Module):
    """A ReLU branch and a pooled head; the head reads the branch only when ``joined``, else zeros of its shape (as an
    NB201 node whose every input edge is 'none'), so the output does not depend on the image though the branch's
    ReLUs, BatchNorm and convolution see it."""

    def __init__(self, joined: bool) -> None:
        super().__init__()
        self.joined = joined
        self.branch = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.branch(x)
        return self.head(self.pool(features if self.joined else torch.zeros_like(features)).flatten(1))


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return torch.randn(16, 3, 6, 6, generator=generator), torch.arange(16) % 3


@pytest.fixture
def own_proxy() -> Iterator[str]:
    """A user's proxy reading the images (the output's spread over the batch), registered for this test alone."""
    @register_proxy("output_spread_i6")
    def output_spread(net: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        with torch.no_grad():
            return float(net(inputs).std(dim=0).sum()) + 1.0

    yield "output_spread_i6"
    del PROXIES._items["output_spread_i6"]


def test_every_proxy_reading_images_is_undefined_where_the_output_ignores_the_input(own_proxy):
    inputs, targets = batch()
    proxies = [get_proxy(name) for name in proxy_names()]
    assert own_proxy in proxy_names() and {"swap", "meco", "nwot", "snip"} <= set(proxy_names())
    scored = score_network(lambda: Branch(joined=False), proxies, inputs, targets)
    assert set(scored.scores) & {proxy.name for proxy in proxies if proxy.needs_data} == set()
    for proxy in proxies:
        if proxy.needs_data:
            assert proxy.name not in scored.scores and proxy.name not in scored.failed, proxy.name
            assert scored.errors[proxy.name] == f"{proxy.name} failed: {NO_INPUT_PATH}"
        else:  # read from the batch's shape alone: what the proxy itself gives, the rule does not touch it
            assert NO_INPUT_PATH not in scored.errors.get(proxy.name, ""), proxy.name
    assert scored.scores["params"] == sum(p.numel() for p in Branch(joined=False).parameters()) / 1e6


def test_a_network_whose_output_reads_the_input_is_scored_by_every_proxy(own_proxy):
    inputs, targets = batch()
    proxies = [get_proxy(name) for name in proxy_names()]
    scored = score_network(lambda: Branch(joined=True), proxies, inputs, targets)
    assert not any(NO_INPUT_PATH in reason for reason in scored.errors.values()), scored.errors
    assert {"swap", "meco", "nwot", "jacov", own_proxy} <= set(scored.scores)


def test_an_nb201_cell_without_an_input_output_path_has_only_its_data_free_proxies(data_dir):
    """The stored table has no jacov, nwot, epe_nas or zen for it either (it reads its live form, the cell of 'none'
    ops); params and flops are the network's size, defined as stored."""
    names = ["swap", "meco", "zico", "nwot", "snip", "fisher", "params", "flops"]
    record = score_architectures(NB201Space(channels=4, cells=1), [DEAD_END_CELL], names, data_dir=data_dir,
                                 batch_size=4)[0]
    assert {name for name, value in record["scores"].items() if value is not None} == {"params", "flops"}
    assert all(NO_INPUT_PATH in record["errors"][name] for name in names[:6]) and "failed" not in record
