"""A user's plugin whose method cannot take nasloop's call is named before the run (engine/method_signatures.py).

A strategy written ``def ask(self)`` ran its search into Python's ``TypeError: S2.ask() takes 1 positional argument
but 2 were given``, raised from nasloop's loop with a traceback, not a ``nasloop.NasloopError``, and left an
interrupted run folder behind; a predictor's ``_fit(self, archs)`` the same at its first fit. An evaluator's
``evaluate(self, arch)``, which nasloop calls with the fidelity too, failed every trial: a run 'failed', no error.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nasloop
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_predictor, register_strategy
from nasloop.engine.types import Result
from nasloop.predictors.base import Predictor
from nasloop.strategies.base import Strategy


class AskWithoutCount(Strategy):
    """Random search whose ``ask`` forgot the number of architectures wanted."""

    def ask(self):
        return [self.space.sample(self.rng)]

    def tell(self, observations) -> None:
        pass


class AskWithExtras(Strategy):
    """Random search whose ``ask`` takes more than nasloop gives, with defaults: callable as nasloop calls it."""

    def ask(self, n, *more, spread=1):
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations, /) -> None:
        pass


class FitWithoutTargets(Predictor):
    """A predictor whose ``_fit`` forgot the targets."""

    def _fit(self, archs) -> None:
        self.count = len(archs)

    def predict(self, archs):
        return np.zeros(len(archs)), np.ones(len(archs))


class EvaluateWithoutFidelity(Evaluator):
    """The number of distinct ops in a cell, read without the fidelity nasloop passes."""

    objective = "ops"

    def metric_names(self, fidelity=None):
        return ["ops"]

    def evaluate(self, arch):
        return Result(metrics={"ops": float(len(set(arch)))}, cost=1.0)


@pytest.fixture
def registered():
    register_strategy("e15-ask-without-count")(AskWithoutCount)  # dropped after the test (conftest)
    register_strategy("e15-ask-with-extras")(AskWithExtras)
    register_predictor("e15-fit-without-targets")(FitWithoutTargets)
    register_evaluator("e15-evaluate-without-fidelity")(EvaluateWithoutFidelity)


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize("options, refusal", [
    ({"strategy": "e15-ask-without-count"},
     "strategy 'e15-ask-without-count' (AskWithoutCount) defines ask(self), which nasloop calls as ask(self, n); "
     "give it those parameters"),
    ({"strategy": "predictor-topk", "predictor": "e15-fit-without-targets"},
     "predictor 'e15-fit-without-targets' (FitWithoutTargets) defines _fit(self, archs), which nasloop calls as "
     "_fit(self, archs, y); give it those parameters"),
    ({"evaluator": "e15-evaluate-without-fidelity"},
     "evaluator 'e15-evaluate-without-fidelity' (EvaluateWithoutFidelity) defines evaluate(self, arch), which nasloop "
     "calls as evaluate(self, arch, fidelity=None); give it those parameters"),
], ids=["ask", "_fit", "evaluate"])
def test_a_method_nasloop_cannot_call_is_refused_before_the_run(tmp_path: Path, data_dir: Path, options, refusal):
    run = tmp_path / "run"
    config = nasloop.SearchConfig(budget=12, data_dir=str(data_dir), run_dir=str(run), **options)
    with pytest.raises(nasloop.NasloopError) as caught:
        nasloop.search(config)
    assert str(caught.value) == refusal
    assert not run.exists()


@pytest.mark.usefixtures("registered")
def test_a_method_taking_more_with_defaults_runs(tmp_path: Path, data_dir: Path):
    config = nasloop.SearchConfig(strategy="e15-ask-with-extras", budget=3, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run"))
    assert nasloop.search(config)["evaluations"] == 3
