"""The ``flops`` proxy counts a max pool's windows as it counts an average pool's.

It counted none, so networks with max pools (NB101, DARTS, NDS) read fewer FLOPs than the tables that store them:
NB101's flops (NAS-Bench-Suite-Zero's, which ``nb101_flops`` reproduces) and NB301's both count each output's 3x3
window. Only the global pool's rule differs between the proxy (torchstat's (h+1)(w+1) window, which NB201's stored
flops follow) and NB101's table (h*w), by the same amount for every cell of one network size."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from nasloop.engine.evaluators.proxies.structural import flops
from nasloop.search_spaces.nb101.cost import nb101_flops
from nasloop.search_spaces.nb101.graph import parse_cell
from nasloop.search_spaces.nb101.network import build_nb101_network

SMALL = {"stem_channels": 16, "stacks": 3, "cells_per_stack": 1}
NO_MAX_POOL = "conv3x3(0)+conv1x1(0)+output(1,2)"
MAX_POOLS = ["conv3x3(0)+conv1x1(0)+maxpool3x3(0)+output(1,2,3)",
             "maxpool3x3(0)+conv1x1(1)+maxpool3x3(0,2)+conv3x3(0)+conv3x3(1,4)+output(3,5)"]


def _proxy_less_table(text: str) -> float:
    """The proxy's FLOPs of the cell's network less the table's, in millions."""
    cell = parse_cell(text)
    net = build_nb101_network(cell, num_classes=10, **SMALL)
    return flops(net, torch.zeros(1, 3, 32, 32), torch.zeros(1)) - nb101_flops(cell, num_classes=10, **SMALL)


@pytest.mark.parametrize("text", MAX_POOLS)
def test_max_pools_count_as_the_nb101_table_counts_them(text, one_torch_thread):
    net = build_nb101_network(parse_cell(text), num_classes=10, **SMALL)
    assert any(isinstance(module, nn.MaxPool2d) for module in net.modules())
    assert _proxy_less_table(text) == pytest.approx(_proxy_less_table(NO_MAX_POOL), abs=1e-9)
