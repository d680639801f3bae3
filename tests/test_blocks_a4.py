"""Every space's network convolves and reduces through the one ReLUConvBN and FactorizedReduce of
:mod:`nasloop.search_spaces.blocks`: DARTS (and NDS), NB201, TNB101 and NAGO each wrote their own, the same modules
that could drift apart. The parameter names stay those the spaces' checkpoints hold."""
from __future__ import annotations

import numpy as np
import torch

from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.blocks import FactorizedReduce, ReLUConvBN
from nasloop.search_spaces.darts.genotype import EXAMPLE
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nb201.network import build_nb201_network
from nasloop.search_spaces.tnb101.network import build_micro_network


def test_each_spaces_network_builds_the_shared_blocks_under_the_parameter_names_its_checkpoints_hold():
    nago = SEARCH_SPACES.get("nago")(param_limit=2e4)
    networks = {"darts": DartsSpace(channels=4, layers=3).to_module(EXAMPLE),
                "nb201": build_nb201_network((3, 3, 3, 1, 3, 3), channels=4, cells_per_stage=1),
                "tnb101": build_micro_network((1, 1, 3, 1, 2, 3), base_channels=8),
                "nago": nago.to_module(nago.sample(np.random.default_rng(0)))}
    for name, network in networks.items():
        blocks = {type(m) for m in network.modules() if type(m).__name__ in ("ReLUConvBN", "FactorizedReduce")}
        assert blocks and blocks <= {ReLUConvBN, FactorizedReduce}, name
    assert list(ReLUConvBN(2, 4, 3).state_dict()) == ["1.weight", "2.weight", "2.bias", "2.running_mean",
                                                       "2.running_var", "2.num_batches_tracked"]
    assert [key for key in FactorizedReduce(2, 4).state_dict() if "bn." not in key] == ["conv_a.weight",
                                                                                        "conv_b.weight"]
    widened = FactorizedReduce(4, 8, stride=1)  # TNB101's skip where only the channels change
    assert widened(torch.randn(1, 4, 5, 5)).shape == (1, 8, 5, 5)
