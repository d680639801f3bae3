"""A TransNAS-Bench-101 string's first number is its network's base channel count (``64-41414-1_30_321``): a space
built at another ``base_channels`` wrote '64-' all the same, naming the benchmark's network for one it does not build.
It now writes its own width, reads its own and the benchmark's names of a cell, refuses any other width in one line,
and the table (the benchmark's 64-channel networks) neither reads its strings nor answers its searches."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.tnb101.codes import parse_micro
from nasloop.search_spaces.tnb101.network import build_macro_network, build_micro_network
from nasloop.search_spaces.tnb101.space import TNB101MacroSpace, TNB101MicroSpace

CELL, SKELETON = (1, 3, 0, 3, 2, 1), (1, 2, 3, 4)


def _params(module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_a_resized_space_writes_its_width_and_builds_the_network_its_string_names():
    micro, macro = TNB101MicroSpace(base_channels=8), TNB101MacroSpace(base_channels=8)
    assert micro.format(CELL) == "8-41414-1_30_321" and macro.format(SKELETON) == "8-1234-basic"
    assert TNB101MicroSpace().format(CELL) == "64-41414-1_30_321"  # the benchmark's own networks
    for text in ("8-41414-1_30_321", "64-41414-1_30_321", "1_30_321"):  # its own width, the benchmark's name, bare
        assert micro.parse(text) == CELL
    assert macro.parse("8-1234-basic") == macro.parse("64-1234-basic") == SKELETON
    built = micro.to_module(micro.parse(micro.format(CELL)))
    assert _params(built) == _params(build_micro_network(CELL, base_channels=8))
    assert _params(built) < _params(TNB101MicroSpace().to_module(CELL))
    assert _params(macro.to_module(SKELETON)) == _params(build_macro_network(SKELETON, base_channels=8))


def test_a_string_of_another_width_is_refused_in_one_line():
    with pytest.raises(ArchitectureError) as refused:
        TNB101MicroSpace(base_channels=8).parse("32-41414-1_30_321")
    assert str(refused.value).endswith("'32-41414-1_30_321' starts with '32', but this space builds base_channels=8 "
                                       "networks, whose micro strings start with '8-' (or the benchmark's '64-'): "
                                       "write it so, or bare, or set base_channels=32 (--space-opt base_channels=32)")
    with pytest.raises(ArchitectureError, match="every benchmark micro string starts with '64-'"):
        parse_micro("8-41414-1_30_321")  # the table's reader: its networks are 64 channels wide


def test_a_tabular_search_of_a_resized_space_is_refused(tmp_path, data_dir, nasloop_in_process):
    refused = nasloop_in_process(["search", "--space", "tnb101-micro", "--space-opt", "base_channels=32", "--dataset",
                                  "class_scene", "--budget", "2", "--data-dir", str(data_dir), "--run-dir",
                                  str(tmp_path / "run")], tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert ("--space-opt base_channels=32 sizes the networks tnb101-micro builds, and the tabular evaluator reads its "
            "table's results for the benchmark's own networks; drop it") in refused.stderr
