"""Defects found reviewing the bad-options and user-plugin changes (helper W12).

* A resume asking a finished run for more (``--budget 8`` past its 5) whose user's plugin raised as the resume
  built it said "the run had already finished; 'nasloop show DIR' summarises it", as if the new budget were spent:
  the resume had stopped before it ran, and the fix is the same command again once the plugin is fixed.
* ``show`` of a stored training run whose ``replicates`` exceed the new run's bound (1,000) left out the line saying
  which split each accuracy was measured on: the stored options were checked against a new run's bound.
* A predictor study begun with an option past a bound added since (the MLP's layers=1001, before 1,000 was its
  most) could not be continued or extended by the same command: each fit was refused as a new one's option.
* A KEY=VALUE key (or a method's +key=value) given 1 and true, or 0 and false, was taken as one value (Python's
  1 == True), the last kept unsaid.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.option_bounds import stored_options
from nasloop.engine.registry import register_evaluator, register_search_space, register_strategy
from nasloop.engine.run_values import run_values
from nasloop.engine.search import summarize
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace, DigitSum


class Digits(DigitSpace):
    name = "w12-digits"


class BreaksOnRequest(RandomSearch):
    """A user's strategy whose constructor raises once ``broken`` is set (its code changed between two commands)."""

    broken = False

    def __init__(self, space, seed: int = 0) -> None:
        if BreaksOnRequest.broken:
            raise ValueError("broken on purpose")
        super().__init__(space, seed)


@pytest.fixture
def _registered():
    register_search_space(Digits.name)(Digits)
    register_evaluator("w12-sum")(DigitSum)
    register_strategy("w12-breaks")(BreaksOnRequest)
    yield
    BreaksOnRequest.broken = False


FLAGS = ["--space", Digits.name, "--evaluator", "w12-sum", "--strategy", "w12-breaks", "--quiet"]


@pytest.mark.usefixtures("_registered")
def test_a_resume_stopped_by_a_plugin_before_it_ran_is_not_said_to_have_finished(tmp_path: Path, capsys) -> None:
    run = tmp_path / "run"
    assert main(["search", *FLAGS, "--budget", "5", "--run-dir", str(run)]) == 0
    BreaksOnRequest.broken = True
    capsys.readouterr()
    assert main(["search", "--resume", str(run), "--budget", "8", "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert "already finished" not in error, error
    assert error.endswith(f"the resume stopped before it ran, the run as it was ('nasloop show {run}' summarises "
                          "it): once fixed, run the same command again"), error
    assert (summarize(run)["status"], summarize(run)["evaluations"]) == ("finished", 5)
    assert main(["search", "--resume", str(run), "--quiet"]) == 2  # nothing more asked: the run is whole
    assert capsys.readouterr().err.strip().endswith(f"the run had already finished; 'nasloop show {run}' "
                                                    "summarises it")
    BreaksOnRequest.broken = False
    assert main(["search", "--resume", str(run), "--budget", "8", "--quiet"]) == 0  # the same command, once fixed
    assert summarize(run)["evaluations"] == 8


def test_a_stored_training_runs_replicates_past_the_new_bound_are_described() -> None:
    def values(replicates: int) -> str:
        return run_values({"objective": "val_accuracy", "space": "nb201", "dataset": "cifar10", "evaluator": "train",
                           "options": {"evaluator": {"replicates": replicates, "test": False}}})

    assert values(1_001) == values(2)
    assert "val_accuracy on a validation split" in values(1_001)


@pytest.mark.parametrize("given", [["1", "true"], ["0", "false"], ["'1'", "1"]], ids=["1-true", "0-false", "text"])
def test_a_key_given_a_number_and_a_truth_value_is_given_two_values(given, nasloop_in_process,
                                                                     tmp_path: Path) -> None:
    """1 == True in Python: '--strategy-opt sample_size=1 --strategy-opt sample_size=true' kept true, unsaid."""
    flags = [word for value in given for word in ("--strategy-opt", f"sample_size={value}")]
    done = nasloop_in_process(["search", "--strategy", "evolution", *flags, "--budget", "2", "--run-dir",
                               str(tmp_path / "run"), "--quiet"])
    assert done.returncode == 2 and "give sample_size two values; give it once" in done.stderr, done.stderr
    assert not (tmp_path / "run").exists()
    method = "evolution+" + "+".join(f"sample_size={value}" for value in given)
    done = nasloop_in_process(["compare", "--methods", method, "--seeds", "1", "--budget", "2", "--out",
                               str(tmp_path / "study"), "--quiet"])
    assert done.returncode == 2, done.stderr
    assert f"method '{method}' gives option 'sample_size' two values; give it once" in done.stderr, done.stderr
    assert not (tmp_path / "study").exists()


def test_a_predictor_study_begun_past_a_new_bound_continues(data_dir: Path, tmp_path: Path, capsys) -> None:
    study = tmp_path / "study"  # the MLP's fits of width 1 predict one value: their ranks are nan, and noted
    command = ["compare", "--predictors", "mlp", "--predictor-opt", "layers=1001", "--predictor-opt", "width=1",
               "--predictor-opt", "epochs=2", "--predictor-opt", "members=2", "--train-sizes", "10",
               "--data-dir", str(data_dir), "--quiet"]
    with stored_options():  # as a nasloop from before the bound began it
        assert main([*command, "--seeds", "1", "--out", str(study)]) == 0
    assert main([*command, "--seeds", "1", "--out", str(study)]) == 0, capsys.readouterr().err  # its report again
    assert main([*command, "--seeds", "2", "--out", str(study)]) == 0, capsys.readouterr().err  # one seed more
    fits = [line for line in (study / "predictor_records.jsonl").read_text().splitlines() if line.strip()]
    assert len(fits) == 2
    assert main([*command, "--seeds", "1", "--out", str(tmp_path / "new")]) == 2  # a new study's
    assert "option layers must be an integer >= 1 and <= 1000, got 1001" in capsys.readouterr().err
