"""NB201's reduction between stages and TNB101's macro block are the one ResNet basic block of
:mod:`nasloop.search_spaces.blocks`, given each space's shortcut: each space wrote its own copy of the block. The
parameter names and the order a seed draws the initial weights in are those of the spaces' own blocks."""
from __future__ import annotations

import torch
from torch import nn

from nasloop.search_spaces.blocks import ReLUConvBN, ResNetBasicBlock
from nasloop.search_spaces.nb201.network import build_nb201_network
from nasloop.search_spaces.tnb101.network import build_macro_network


def _blocks(network: nn.Module) -> list[nn.Module]:
    return [m for m in network.modules() if "Block" in type(m).__name__ or "Reduction" in type(m).__name__]


def test_both_spaces_build_the_shared_basic_block_with_their_own_shortcut():
    nb201 = _blocks(build_nb201_network((3, 3, 3, 1, 3, 3), channels=4, cells_per_stage=1))
    assert len(nb201) == 2 and all(isinstance(b, ResNetBasicBlock) for b in nb201)
    assert [type(m) for m in nb201[0].shortcut] == [nn.AvgPool2d, nn.Conv2d]  # no BN, as NB201 trained it
    macro = _blocks(build_macro_network((4, 1, 3, 2), base_channels=8))
    assert len(macro) == 8 and all(isinstance(b, ResNetBasicBlock) for b in macro)
    assert {type(b.shortcut) for b in macro} == {nn.Sequential, nn.Identity}


def test_the_shortcut_is_built_after_the_convs_under_the_names_checkpoints_hold():
    def shortcut(c_in: int, c_out: int, stride: int) -> nn.Module:
        return nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False)

    torch.manual_seed(0)
    block = ResNetBasicBlock(2, 4, 2, shortcut)
    torch.manual_seed(0)
    by_hand = [ReLUConvBN(2, 4, 3, 2), ReLUConvBN(4, 4, 3), shortcut(2, 4, 2)]
    assert [k for k in block.state_dict() if k.endswith("weight")] == [
        "conv_a.1.weight", "conv_a.2.weight", "conv_b.1.weight", "conv_b.2.weight", "shortcut.weight"]
    for key, module in zip(("conv_a", "conv_b", "shortcut"), by_hand):
        assert all(torch.equal(a, b) for a, b in zip(getattr(block, key).parameters(), module.parameters())), key
    x = torch.randn(1, 2, 6, 6)
    assert torch.equal(block(x), by_hand[2](x) + by_hand[1](by_hand[0](x)))
