"""A user's plugin that raises as the run uses it (a predictor's ``_fit`` after the strategy's random start, a
strategy's ``ask``, a space's ``mutate``...) is named as that plugin's fault, as its refused output is: it ended the
search as "unexpected RuntimeError in FILE:LINE" with exit status 1, naming neither the plugin nor the method, and
at numpy's line where the user's code called numpy. Now the PluginFault line names the plugin, the method and the
user's own line; the run stands, interrupted, with every evaluation it finished, and resumes once fixed."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import (register_benchmark, register_evaluator, register_executor, register_predictor,
                                     register_search_space, register_strategy)
from nasloop.engine.store import RunStore
from nasloop.engine.types import Result
from nasloop.predictors.base import Predictor
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitFormula, DigitSpace, DigitSum
from .test_plugin_faults_d5 import Queued


class Broken:
    """Which plugin method raises (None: the user's fix)."""

    method: str | None = None


def _breaks(method: str, late: bool) -> None:
    """Raise as the user's code does, through numpy (whose line is not the user's), once ``late`` in the run."""
    if Broken.method == method and late:
        np.linalg.inv(np.zeros((2, 2)))  # LinAlgError: Singular matrix


class Ranker(Predictor):
    """Ranks by the digits' sum; breaks once fitted on more than 6 results (after its trial and random start)."""

    def _fit(self, archs, y):
        self.seen = len(archs)
        _breaks("_fit", self.seen > 6)

    def predict(self, archs):
        _breaks("predict", self.seen > 6)
        return np.array([float(sum(a)) for a in archs]), np.ones(len(archs))


class Asks(RandomSearch):
    """Breaks at its 4th ask or tell."""

    asks = tells = 0

    def ask(self, n):
        self.asks += 1
        _breaks("ask", self.asks > 3)
        return super().ask(n)

    def tell(self, observations):
        self.tells += 1
        _breaks("tell", self.tells > 3)


class Digits(DigitSpace):
    """Breaks in its 21st mutate; read through its own benchmark."""

    name, benchmark, moves = "c6-digits", "c6-formula", 0

    def mutate(self, arch, rng):
        self.moves += 1
        _breaks("mutate", self.moves > 20)
        return super().mutate(arch, rng)


class Names(DigitSum):
    """Its 5th result lacks its objective, and its metric_names, read then, breaks."""

    calls = 0

    def evaluate(self, arch, fidelity=None):
        self.calls += 1
        return Result(metrics={"other": 1.0}) if self.calls == 5 else super().evaluate(arch, fidelity)

    def metric_names(self, fidelity=None):
        _breaks("metric_names", self.calls >= 5)
        return ["score"]


class Formula(DigitFormula):
    """A user's surrogate: its 5th answer lacks the objective, and its metric_names, read then, breaks."""

    name = "c6-formula"

    def metric_names(self, task, fidelity=None):
        _breaks("metric_names", self.calls >= 5)
        return ["score"]

    def query(self, arch, task, fidelity=None):
        self.calls += 1
        return Result(metrics={"other" if self.calls == 5 else "score": float(sum(arch))}, cost=1.0)


class Submits(Queued):
    """Breaks at its 6th submit."""

    submits = 0

    def submit(self, trial_id, evaluator, arch, fidelity=None):
        self.submits += 1
        _breaks("submit", self.submits > 5)
        super().submit(trial_id, evaluator, arch, fidelity)


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_predictor("c6-ranker")(Ranker)
    register_strategy("c6-asks")(Asks)
    register_search_space(Digits.name)(Digits)
    register_benchmark(Formula.name)(Formula)
    register_evaluator("c6-sum")(DigitSum)
    register_evaluator("c6-names")(Names)
    register_executor("c6-submits")(Submits)
    yield
    Broken.method = None


def _stands_and_resumes(args: list[str], method: str, said: str, budget: int, tmp_path, capsys) -> None:
    """Broken in ``method``, the run stops in the PluginFault line ``said`` (the plugin, the method, the user's line
    in this file), stands interrupted with its evaluations, and finishes once fixed."""
    run = tmp_path / "run"
    Broken.method = method
    assert main(["search", "--space", Digits.name, *args, "--budget", str(budget), "--run-dir", str(run),
                 "--quiet"]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    line = next(n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "np.linalg.inv(" in text)
    assert error == (f"nasloop search: error: {said}: {method} raised LinAlgError: Singular matrix (at {__file__}:"
                     f"{line}); fix it; once fixed, continue with 'nasloop search --resume {run}'"), error
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "interrupted"
        assert 0 < store.counts()["evaluations"] < budget
    Broken.method = None
    assert main(["search", "--resume", str(run), "--quiet"]) == 0, capsys.readouterr().err
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "finished" and store.counts()["evaluations"] == budget


GUIDED = ["--evaluator", "c6-sum", "--strategy", "predictor-topk", "--strategy-opt", "num_init=4", "--strategy-opt",
          "pool_size=50"]  # fits from the 5th result on, on pools the predictor ranks at once


@pytest.mark.parametrize("method", ["_fit", "predict"])
def test_a_users_predictor_raising_mid_run_is_named_and_the_run_resumes(method, tmp_path, capsys):
    _stands_and_resumes([*GUIDED, "--predictor", "c6-ranker"], method, "predictor c6-ranker", 12, tmp_path, capsys)


def test_a_blends_user_member_raising_mid_run_is_named_as_the_member(tmp_path, capsys):
    _stands_and_resumes([*GUIDED, "--predictor", "blend", "--predictor-opt", "members=[random, c6-ranker]"],
                        "predict", "predictor c6-ranker (a member of blend)", 12, tmp_path, capsys)


@pytest.mark.parametrize("method", ["ask", "tell"])
def test_a_users_strategy_raising_mid_run_is_named_and_the_run_resumes(method, tmp_path, capsys):
    _stands_and_resumes(["--evaluator", "c6-sum", "--strategy", "c6-asks"], method, "strategy c6-asks", 10, tmp_path,
                        capsys)


def test_a_users_space_raising_in_a_move_mid_run_is_named_and_the_run_resumes(tmp_path, capsys):
    _stands_and_resumes(["--evaluator", "c6-sum", "--strategy", "evolution", "--strategy-opt", "population_size=8",
                         "--strategy-opt", "sample_size=4"], "mutate", "search space 'c6-digits'", 40, tmp_path,
                        capsys)


@pytest.mark.parametrize("evaluator, said", [("c6-names", "evaluator c6-names"), ("tabular", "benchmark 'c6-formula'")])
def test_a_users_evaluator_or_benchmark_raising_mid_run_is_named_and_the_run_resumes(evaluator, said, tmp_path,
                                                                                    capsys):
    """Read when a result lacks the objective (an evaluation raising fails that trial alone, as before)."""
    _stands_and_resumes(["--evaluator", evaluator, "--strategy", "random"], "metric_names", said, 10, tmp_path,
                        capsys)


def test_a_users_executor_raising_mid_run_is_named_and_the_run_resumes(tmp_path, capsys):
    _stands_and_resumes(["--evaluator", "c6-sum", "--strategy", "random", "--executor", "c6-submits"], "submit",
                        "executor c6-submits", 10, tmp_path, capsys)
