"""DARTS-V2's ImageNet network (``nds-darts-in`` at width 48, depth 14): its size and multiply-adds.

The expected counts are those of DARTS' own ``NetworkImageNet(48, 1000, 14, genotype=DARTS_V2)``
(github.com/quark0/darts), measured with the same forward-hook counter on a rebuild of it, whose outputs
match this network's to 1e-8 once its weights are copied over: 4,718,752 parameters without the auxiliary
head (the published 4.7 M) and 529.9 M multiply-adds of its convolutions and classifier. The 574 M the DARTS
paper reports is no count of this network: adding every BatchNorm, ReLU, pooling and node sum reaches 546 M.
"""
from __future__ import annotations

import pytest
import torch
from torch import nn

from nasloop.engine.evaluators.proxies.structural import flops
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.darts.genotype import EXAMPLE
from nasloop.search_spaces.nds.arch import NdsArch

REFERENCE_PARAMS = 4_718_752
REFERENCE_MADDS = 529_911_552  # conv 529,143,552 + classifier 768,000, one 224-px image


def test_darts_v2_imagenet_has_the_reference_networks_parameters_and_multiply_adds():
    space = SEARCH_SPACES.get("nds-darts-in")(widths=[48], depths=[14])
    network = space.to_module(NdsArch(EXAMPLE[0], EXAMPLE[1], 48, 14))
    assert sum(p.numel() for p in network.parameters()) == REFERENCE_PARAMS
    assert abs(REFERENCE_PARAMS - 4.7e6) / 4.7e6 < 0.01
    madds, sides = 0, []

    def count(module: nn.Module, inputs: tuple, out: torch.Tensor) -> None:
        nonlocal madds
        madds += module.weight.numel() * (out[0, 0].numel() if isinstance(module, nn.Conv2d) else 1)

    for module in network.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            module.register_forward_hook(count)
    for cell in network.cells:
        cell.register_forward_hook(lambda module, inputs, out: sides.append(out.shape[-1]))
    # One forward pass of a 224-px image serves both counts: the flops proxy's hooks and ours.
    proxy = flops(network, torch.zeros(1, 3, 224, 224), torch.zeros(1))
    # The stem's three stride-2 convs bring 224 px to 28; the cells at 4 and 9 (depth // 3, 2 * depth // 3) halve it.
    assert sides == [28] * 4 + [14] * 5 + [7] * 5
    assert madds == REFERENCE_MADDS
    # The proxy adds what the torchstat rules count besides (BatchNorm 2 per element, ReLU, pooling), as the suite
    # whose stored flops it matches does: 545 M, not the paper's 574 M either.
    assert proxy == pytest.approx(545.305152)
