"""A user's evaluator returning an integer too large for a float (a count of 401 digits) is refused in one line.

Before: converting it for the store raised OverflowError, reported as "unexpected OverflowError in
engine/evaluators/base.py" with a traceback file, blaming nasloop's line rather than the evaluator."""
from __future__ import annotations

import pytest

from nasloop.engine import cli
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result

from .digit_space import DigitSpace


class Digits(DigitSpace):
    name = "g-huge-digits"


class HugeCount(Evaluator):
    """Reports a count of 401 digits beside its accuracy (or as its cost)."""

    as_cost = False

    def evaluate(self, arch, fidelity=None):
        huge = 10 ** 400
        if self.as_cost:
            return Result(metrics={"val_accuracy": float(sum(arch))}, cost=huge)
        return Result(metrics={"val_accuracy": float(sum(arch)), "paths": huge}, cost=1.0)


class HugeCost(HugeCount):
    as_cost = True


@pytest.mark.parametrize(("evaluator", "what"), [(HugeCount, "metric 'paths'"), (HugeCost, "cost")])
def test_an_integer_beyond_a_float_is_refused_naming_the_evaluator(evaluator, what, tmp_path, capsys):
    register_search_space("g-huge-digits")(Digits)  # the conftest drops both after the test
    register_evaluator("g-huge")(evaluator)
    status = cli.main(["search", "--space", "g-huge-digits", "--evaluator", "g-huge", "--strategy", "random",
                       "--budget", "2", "--run-dir", str(tmp_path / "run")])
    assert status == 2
    assert capsys.readouterr().err == (f"nasloop search: error: evaluator g-huge: evaluate returned {what} = an "
                                       "integer of 401 digits, beyond what a float holds (the store keeps floats); "
                                       "return a float; once fixed, continue with 'nasloop search --resume "
                                       f"{tmp_path / 'run'}'\n")
