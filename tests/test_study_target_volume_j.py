"""compare --target over several objectives: the table front's hypervolume is computed only where a cell's own
box does not already hold the target (15 of 23 s before the first run with six objectives)."""
from __future__ import annotations

import sys

import pytest

from nasloop.engine import objectives
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.study_target import study_target


def _volumes(data_dir, target: float) -> int:
    """How often the table's hypervolume is computed to check ``target``."""
    base = SearchConfig(objectives=["val_accuracy:max", "params_m:min"], reference_point=[10.0, 1.6], dataset="cifar10",
                        evaluator="tabular", data_dir=str(data_dir))
    study_target(1.0, base)  # the table loaded untraced
    calls = []

    def count(frame, event, arg):
        if event == "call" and frame.f_code is objectives.hypervolume.__code__:
            calls.append(1)
        return None

    sys.settrace(count)
    try:
        assert study_target(target, base) == target
    finally:
        sys.settrace(None)
    return len(calls)


def test_a_target_one_cell_reaches_needs_no_front(data_dir):
    assert _volumes(data_dir, 1.0) == 0


def test_a_target_past_every_box_is_still_checked_against_the_front(data_dir):
    with pytest.raises(ConfigError, match=r"--target 1e\+06 is past the hypervolume of the table's front \("):
        _volumes(data_dir, 1e6)
