"""NAGO's stage and channel ratios near the float maximum are refused in one line before any evaluation, as the
README promises of bad input, instead of failing every evaluation or splitting the stages unsaid."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.search_spaces.nago.sizing import stages_of
from nasloop.search_spaces.nago.space import NAGOSpace


def test_huge_channel_ratios_stop_the_search_before_its_first_evaluation(tmp_path: Path, capsys) -> None:
    """channel_ratios=1e308,1e308,1e308 passed as positive numbers, and every evaluation then failed with
    'OverflowError: cannot convert float infinity to integer (at .../nago/sizing.py:48)': the run was stored as
    failed and exited 1, where the README promises one line before the first evaluation."""
    run = tmp_path / "run"
    code = main(["search", "--space", "nago", "--space-opt", "param_limit=1e5", "--space-opt",
                 "channel_ratios=1e308,1e308,1e308", "--evaluator", "proxy", "--proxies", "synflow",
                 "--budget", "1", "--run-dir", str(run), "--quiet"])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1, error
    assert "nago option channel_ratios must be three positive numbers up to 1,000,000, one per stage, such as " \
        "channel_ratios=1,2,4" in error and "got '1e308,1e308,1e308'" in error, error
    assert not run.exists()


@pytest.mark.parametrize("option", ["stage_ratios", "channel_ratios"])
@pytest.mark.parametrize("value", ["1e308,1e308,1e308", "1,1,1e7", [2e6, 1, 1]])
def test_ratios_above_the_limit_are_one_line(option: str, value: object) -> None:
    """stage_ratios of 1e308 each summed to infinity, and the split compared index * inf: every top node stayed in
    stage 0, a network unlike the 1:1:1 the equal ratios describe, with no word said."""
    with pytest.raises(ConfigError) as info:
        NAGOSpace(param_limit=1e5, **{option: value})
    assert "\n" not in str(info.value) and f"nago option {option} must be three positive numbers up to 1,000,000" \
        in str(info.value)


def test_ratios_at_the_limit_still_split_as_their_proportions() -> None:
    """The bound leaves every useful ratio: a million to one is taken, and equal ratios of any size split alike."""
    space = NAGOSpace(param_limit=1e5, stage_ratios=[1e6] * 3, channel_ratios=[1, 2, 1e6])
    point = space.parse("g1=6,2,0.5;g2=4,0.5;g3=4,2,0.5")
    assert space.plan(point).stages == stages_of(6, (1.0, 1.0, 1.0)) == (0, 0, 1, 1, 2, 2)
    assert 0 < space.network_facts(point)["params"] <= 1e5
