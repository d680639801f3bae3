"""Replicates with a failed draw: it vanished from the mean, seen only as a smaller ``replicates``, and the one
surviving draw of two reported a spread of 0.0, which bo took as a noise-free point (clamped to 1e-6)."""
from __future__ import annotations

import math

import pytest

from nasloop.engine.evaluators.replicates import combine
from nasloop.engine.types import Result

INFINITE = "synflow is inf (the network carries no signal or overflowed)"  # the proxy evaluator's own failure


def test_one_surviving_draw_has_an_unknown_spread_and_the_failure_is_counted():
    combined = combine([Result.failed(INFINITE, cost=2.0, partial={"params": 0.0803}),
                        Result(metrics={"synflow": 235.3, "params": 0.0799}, cost=3.0)])
    metrics = combined.metrics
    assert combined.ok and metrics["synflow"] == 235.3 and metrics["synflow@1"] == 235.3
    assert math.isnan(metrics["synflow_std"]) and math.isnan(metrics["params_std"])  # unknown, not 0.0
    assert metrics["replicates"] == 1 and metrics["replicates_failed"] == 1 and combined.cost == 5.0


def test_a_failed_draw_of_three_is_counted_beside_the_mean_of_the_other_two():
    combined = combine([Result(metrics={"synflow": 1.0}), Result.failed(INFINITE), Result(metrics={"synflow": 3.0})])
    metrics = combined.metrics
    assert metrics["synflow"] == 2.0 and metrics["synflow_std"] == pytest.approx(math.sqrt(2.0))
    assert metrics["replicates"] == 2 and metrics["replicates_failed"] == 1 and "synflow@1" not in metrics
    every = combine([Result(metrics={"synflow": 1.0}), Result(metrics={"synflow": 3.0})]).metrics
    assert every["replicates"] == 2 and "replicates_failed" not in every  # a run without failures reads as before
