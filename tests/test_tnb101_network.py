"""TransNAS-Bench-101 networks: shapes on small and larger images, parameter counts, dead nodes."""
from __future__ import annotations

import pytest
import torch
from torch import fx, nn

from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.search_spaces.tnb101.codes import parse_macro, parse_micro
from nasloop.search_spaces.tnb101.network import (SHORTCUT_BN, BasicBlock, MicroCell, build_macro_network,
                                                  build_micro_network)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

MICRO = ["64-41414-3_33_333", "64-41414-0_13_012", "64-41414-1_02_333", "64-41414-2_01_100",
         "64-41414-1_11_111", "64-41414-0_00_000"]
MACRO = ["64-41414-basic", "64-1234-basic", "64-444111-basic", "64-3233-basic", "64-112134-basic"]
# Counted with the official TransNASBench MacroNet (lib/models/net_infer/net_macro.py) plus the
# benchmark's FFDecoder head (pooling + linear) for 10 classes; the stem stride changes no weight.
REFERENCE_PARAMS = {"64-41414-3_33_333": 41_416_746, "64-41414-basic": 13_995_818,
                    "64-41414-0_00_000": 24_618, "64-1234-basic": 3_402_794}


def _params(network: nn.Module) -> int:
    return sum(p.numel() for p in network.parameters())


def _build(text: str, **options) -> nn.Module:
    if text.endswith("-basic"):
        return build_macro_network(parse_macro(text), **options)
    return build_micro_network(parse_micro(text), **options)


@pytest.mark.parametrize("size", [32, 64])
@pytest.mark.parametrize("text", MICRO + MACRO)
def test_logits_shape_on_small_and_larger_images(text: str, size: int) -> None:
    network = _build(text, num_classes=7, base_channels=16 if size == 64 else 64)
    with torch.no_grad():
        logits = network(torch.randn(2, 3, size, size))
    assert logits.shape == (2, 7) and torch.isfinite(logits).all()


@pytest.mark.parametrize("stem_stride", [1, 2, 4])
def test_every_stem_stride_runs_on_cifar_sized_images(stem_stride: int) -> None:
    for text in ("64-444111-basic", "64-41414-3_33_333"):
        network = _build(text, base_channels=8, stem_stride=stem_stride)
        with torch.no_grad():
            assert network(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_parameter_counts_match_the_benchmark_reference() -> None:
    for text, count in REFERENCE_PARAMS.items():
        assert _params(_build(text)) == count, text
        assert _params(_build(text, stem_stride=4)) == count, text


def test_parameters_grow_with_channel_doubling_and_width() -> None:
    one, two = _params(build_macro_network((3, 2, 1, 1, 1))), _params(build_macro_network((3, 2, 2, 1, 1)))
    assert 0 < one < two
    cell = parse_micro("64-41414-3_33_333")
    assert 0 < _params(build_micro_network(cell, skeleton="31313")) < _params(build_micro_network(cell))
    assert _params(build_micro_network(cell, base_channels=32)) < _params(build_micro_network(cell))
    assert _params(build_macro_network((4, 1, 4, 1, 4), base_channels=32)) < REFERENCE_PARAMS["64-41414-basic"]


def test_none_edges_are_not_built_and_a_dead_cell_outputs_zeros() -> None:
    network = build_micro_network(parse_micro("64-41414-0_00_000"), base_channels=16).eval()
    assert not any(isinstance(m, nn.Conv2d) for name, m in network.named_modules() if name.startswith("module"))
    with torch.no_grad():
        logits = network(torch.randn(3, 3, 32, 32))
    assert torch.equal(logits, network.head.bias.expand(3, -1))


def test_dead_node_zeros_have_the_cell_output_shape() -> None:
    # node 1 has no live input; node 2 reads it through a conv, node 3 through a skip
    cell = MicroCell(parse_micro("0_13_012"), c_in=8, c_out=16, stride=2)
    out = cell(torch.randn(2, 8, 9, 9))  # odd size: strided convs round up
    assert out.shape == (2, 16, 5, 5)
    same = MicroCell(parse_micro("0_03_001"), c_in=8, c_out=8, stride=1)
    x = torch.randn(2, 8, 6, 6).to(memory_format=torch.channels_last)
    assert same(x).shape == x.shape


def test_benchmark_quirks_are_kept() -> None:
    block = BasicBlock(8, 16, 2)
    shortcut_bn = block.shortcut[1]
    assert (shortcut_bn.eps, shortcut_bn.momentum) == (SHORTCUT_BN["eps"], SHORTCUT_BN["momentum"]) == (1.0, 1.0)
    assert isinstance(BasicBlock(8, 8, 1).shortcut, nn.Identity)
    network = build_micro_network(parse_micro("3_33_333"), base_channels=8)
    assert all(m.affine and m.track_running_stats for m in network.modules() if isinstance(m, nn.BatchNorm2d))
    assert all(m.bias is None for m in network.modules() if isinstance(m, nn.Conv2d))


def test_forward_traces_without_data_dependent_control_flow() -> None:
    for text in ("64-41414-0_13_012", "64-1234-basic"):
        network = _build(text, base_channels=8).eval()
        traced = fx.symbolic_trace(network)
        for size in (32, 40):
            x = torch.randn(2, 3, size, size)
            with torch.no_grad():
                assert torch.equal(traced(x), network(x))


def test_training_step_gives_finite_gradients() -> None:
    network = build_micro_network(parse_micro("1_02_333"), base_channels=8)
    loss = nn.functional.cross_entropy(network(torch.randn(4, 3, 32, 32)), torch.tensor([0, 1, 2, 3]))
    loss.backward()
    grads = [p.grad for p in network.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("options, error", [
    ({"stem_stride": 3}, ConfigError), ({"stem_stride": "4"}, ConfigError),
    ({"base_channels": 7}, ConfigError), ({"base_channels": 0}, ConfigError),
    ({"num_classes": 0}, ConfigError), ({"skeleton": "4150"}, ArchitectureError),
    ({"skeleton": ""}, ArchitectureError), ({"skeleton": (4, 12)}, ArchitectureError),
])
def test_bad_options_raise_one_line(options: dict, error: type) -> None:
    with pytest.raises(error) as info:
        build_micro_network((3, 3, 3, 3, 3, 3), **options)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("build, arch", [
    (build_micro_network, (3, 3, 3)), (build_micro_network, "1_30_321"),
    (build_macro_network, (1, 1, 1, 1)), (build_macro_network, "41414"),
])
def test_bad_architectures_raise_one_line(build, arch) -> None:
    with pytest.raises(ArchitectureError) as info:
        build(arch)
    assert "\n" not in str(info.value)
