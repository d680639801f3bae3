"""A user's evaluator, benchmark or space whose output nasloop refuses once the run holds evaluations leaves the run
interrupted, to continue once the plugin is fixed, as a user's predictor or strategy does: a result that is no
Result, a metric that is no number, and a mutate or neighbours giving what the space's own parse refuses were stored
'failed', the last blaming nasloop's strategy (and local search's saved state then read as damaged on resume). What
fails one evaluation alone (NaN or no value for the objective) stays a failed trial, and the run goes on."""
from __future__ import annotations

import math

import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_benchmark, register_evaluator, register_search_space
from nasloop.engine.store import RunStore
from nasloop.engine.types import Result

from .digit_space import DigitFormula, DigitSpace, DigitSum

OUTSIDE = (9, 9, 9, 9, 9)


class Broken:
    """What the plugins below return on their 5th evaluation (None: nothing wrong), and whether the space's moves
    go outside it; the user's fix clears both."""

    now: object = None
    moves = False


def _fifth(calls: int, good: Result) -> object:
    return Broken.now if Broken.now is not None and calls == 5 else good


class Late(DigitSum):
    """Returns ``Broken.now`` on its 5th evaluation."""

    calls = 0

    def evaluate(self, arch, fidelity=None):
        self.calls += 1
        return _fifth(self.calls, super().evaluate(arch, fidelity))


class Formula(DigitFormula):
    """A user's surrogate (no table): returns ``Broken.now`` on its 5th query."""

    name = "k3-formula"

    def query(self, arch, task, fidelity=None):
        self.calls += 1
        return _fifth(self.calls, Result(metrics={"score": float(sum(arch))}, cost=1.0))


class Digits(DigitSpace):
    """Its mutate and neighbours give an architecture outside it, from their 21st and 4th calls, while broken."""

    name, benchmark = "k3-late-digits", "k3-formula"
    moves = 0

    def mutate(self, arch, rng):
        self.moves += 1
        return OUTSIDE if Broken.moves and self.moves > 20 else super().mutate(arch, rng)

    def neighbours(self, arch):
        self.moves += 1
        return [OUTSIDE] if Broken.moves and self.moves > 3 else super().neighbours(arch)


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space(Digits.name)(Digits)
    register_benchmark(Formula.name)(Formula)
    register_evaluator("k3-late")(Late)
    Broken.now, Broken.moves = None, False
    yield
    Broken.now, Broken.moves = None, False


def _search(run, evaluator: str = "k3-late", strategy: str = "random", budget: int = 10) -> list[str]:
    """A search of this file's space; evolution's population small enough that it mutates early."""
    small = ["--strategy-opt", "population_size=8", "--strategy-opt", "sample_size=4"] * (strategy == "evolution")
    return ["search", "--space", Digits.name, "--evaluator", evaluator, "--strategy", strategy, *small, "--budget",
            str(budget), "--run-dir", str(run), "--quiet"]


def _stands_and_resumes(run, said: str, budget: int, capsys) -> None:
    """The run is interrupted with ``said`` and how to continue, holds evaluations, and finishes once fixed."""
    again = f"once fixed, continue with 'nasloop search --resume {run}'"
    error = capsys.readouterr().err
    assert error.startswith(f"nasloop search: error: {said}") and error.endswith(f"; {again}\n")
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "interrupted" and store.get_meta("stop_reason").endswith(again)
        assert 0 < store.counts()["evaluations"] < budget
    Broken.now, Broken.moves = None, False
    assert main(["search", "--resume", str(run), "--quiet"]) == 0, capsys.readouterr().err
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "finished" and store.counts()["evaluations"] == budget


@pytest.mark.parametrize("evaluator, given, said", [
    ("k3-late", "good", "evaluator k3-late: evaluate returned str, not a Result"),
    ("k3-late", Result(metrics={"score": "9"}), "evaluator k3-late: evaluate returned metric 'score' = '9', not a "
                                                "number"),
    ("tabular", "good", "benchmark 'k3-formula': query returned str, not a Result"),
    ("tabular", Result(metrics={"score": "9"}), "evaluator tabular: evaluate returned metric 'score' = '9', not a "
                                                "number")])
def test_a_result_refused_mid_run_leaves_the_run_to_resume_once_fixed(evaluator, given, said, tmp_path, capsys):
    Broken.now = given
    assert main(_search(tmp_path / "run", evaluator)) == 2
    _stands_and_resumes(tmp_path / "run", said, 10, capsys)


@pytest.mark.parametrize("given", [Result(metrics={"score": math.nan}), Result(metrics={"other": 1.0})])
def test_a_result_without_its_objective_fails_that_trial_alone(given, tmp_path):
    Broken.now = given
    assert main(_search(tmp_path / "run")) == 0
    with RunStore.in_run_dir(tmp_path / "run", readonly=True) as store:
        assert store.get_meta("status") == "finished"
        assert [t.result.ok for t in store.evaluations()].count(False) == 1


def test_a_users_mutate_giving_what_its_parse_refuses_mid_run_is_the_spaces_fault(tmp_path, capsys):
    """It was stored failed, as nasloop's evolution proposing what is no architecture, told to return the space's."""
    Broken.moves = True
    assert main(_search(tmp_path / "run", strategy="evolution", budget=60)) == 2
    _stands_and_resumes(tmp_path / "run", "search space 'k3-late-digits': its moves (sample, mutate, neighbours...) "
                        "gave strategy evolution (9, 9, 9, 9, 9), which is not an architecture of it", 60, capsys)


def test_a_users_neighbours_giving_what_its_parse_refuses_mid_run_leaves_a_state_to_resume(tmp_path, capsys):
    """The raw refusal of parse failed the run, and the resume, with the space fixed, called its saved state
    damaged: local search kept the neighbour, as text, in the state it saved."""
    Broken.moves = True
    assert main(_search(tmp_path / "run", strategy="local", budget=40)) == 2
    _stands_and_resumes(tmp_path / "run", "search space 'k3-late-digits': neighbours returned (9, 9, 9, 9, 9), which "
                        "parse refuses as '9-9-9-9-9'", 40, capsys)


def test_a_users_mutate_giving_what_its_parse_refuses_to_a_guided_pool_is_the_spaces_fault(tmp_path, capsys):
    """bananas ranked its mutants with the predictor, which refused the one outside the space as its own fault: the
    run was stored failed, naming the predictor."""
    Broken.moves = True
    assert main(_search(tmp_path / "run", strategy="bananas", budget=16) + ["--predictor", "gp"]) == 2
    _stands_and_resumes(tmp_path / "run", "search space 'k3-late-digits': sample, mutate or neighbours returned (9, 9, "
                        "9, 9, 9), which parse refuses as '9-9-9-9-9'", 16, capsys)
