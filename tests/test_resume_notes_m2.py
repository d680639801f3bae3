"""What a search and a resume say, and when: notes after every check and the strategy state's load, a run whose
evaluations failed without a reason, and a resume told how to go on only where it can."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine import search as search_module
from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.registry import register_evaluator, register_executor, register_search_space
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.types import Result

from .digit_space import DigitSpace, DigitSum
from .test_idle_resume_a2 import CountedPairs, _spent_space


class Digits(DigitSpace):
    name = "m2-digits"


class FailsQuietly(DigitSum):
    """Fails every architecture without saying why, as a user's evaluator may."""

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={}, cost=1.0, status="failed")


class Noting(DigitSum):
    """Says a note as it scores each architecture, through the run's context."""

    def evaluate(self, arch, fidelity=None):
        self.context.on_note(f"scored {'-'.join(map(str, arch))}")
        return super().evaluate(arch, fidelity)


def _register(evaluator: type[DigitSum], name: str) -> None:
    register_search_space(Digits.name)(Digits)
    register_evaluator(name)(evaluator)


def test_a_run_whose_evaluations_fail_without_a_reason_is_stored_as_failed_saying_so(tmp_path):
    """The reason was added to the text as it was: None ended the run in a TypeError, left it 'interrupted', and
    every resume crashed the same way."""
    _register(FailsQuietly, "m2-fails-quietly")
    config = SearchConfig(space=Digits.name, evaluator="m2-fails-quietly", strategy="random", budget=2,
                          run_dir=str(tmp_path / "run"))
    summary = search(config)
    assert summary["status"] == "failed"
    assert summary["stop_reason"] == "all 2 evaluations failed; the first: its evaluator gave no reason"


def test_a_run_that_evaluated_its_whole_space_is_not_told_to_raise_a_budget(tmp_path, capsys):
    """Its query budget was the space's size: 'give a larger --budget' was refused as above the space's size."""
    run = _spent_space(tmp_path, CountedPairs, budget=16)
    capsys.readouterr()
    assert main(["search", "--resume", str(run), "--quiet"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"nasloop search: note: nothing to do: {run} had already finished (every architecture of the space (16) has "
        "been evaluated)"]


def test_a_resume_refused_as_its_strategy_state_loads_says_nothing_before(tmp_path, capsys):
    """The resume's notes (here: a user's space without a functional hash under --dedup functional) stood above the
    refusal of a damaged strategy state, as of a run that had gone on."""
    _register(DigitSum, "m2-digit-sum")
    run = tmp_path / "run"
    assert main(["search", "--space", Digits.name, "--evaluator", "m2-digit-sum", "--dedup", "functional",
                 "--budget", "12", "--run-dir", str(run), "--quiet"]) == 0
    assert "defines no functional_hash" in capsys.readouterr().err  # the note a resume says again
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        db.execute("UPDATE strategy_state SET state = json_set(state, '$.rng', json('\"zzz\"'))")
    assert main(["search", "--resume", str(run), "--budget", "14", "--quiet"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "is damaged: the strategy state does not load" in err[0]


def test_a_resume_of_an_interrupted_run_whose_budget_was_spent_says_it_found_nothing_new(tmp_path, capsys):
    """Ctrl-C after the last evaluation left it interrupted; its resume marks it finished, and was said to have had
    'nothing to do' with a run that 'had already finished'."""
    _register(DigitSum, "m2-digit-sum")
    run = tmp_path / "run"
    config = SearchConfig(space=Digits.name, evaluator="m2-digit-sum", budget=5, run_dir=str(run))

    def stop_after_the_last(done: int, total: int | None, best: float | None) -> None:
        if done == 5:
            raise KeyboardInterrupt

    try:
        search(config, on_progress=stop_after_the_last)
    except KeyboardInterrupt:
        pass
    assert summarize(run)["status"] == "interrupted"
    notes: list[str] = []
    assert resume(run, on_note=notes.append)["status"] == "finished"
    assert notes == [f"the resume of {run} evaluated nothing new: budget of 5 evaluations spent; give a larger "
                     "--budget to continue it"]


def test_a_run_that_spent_both_budgets_is_told_to_raise_both(tmp_path):
    """It was told to raise --budget alone, which a resume drops as raising a budget the time limit had not ended:
    the same advice came back however often it was followed."""
    _register(DigitSum, "m2-digit-sum")
    run = tmp_path / "run"
    search(SearchConfig(space=Digits.name, evaluator="m2-digit-sum", strategy="random", budget=3, max_seconds=3.0,
                        run_dir=str(run)))  # each evaluation costs 1 s: both budgets end together
    notes: list[str] = []
    resume(run, budget=5, on_note=notes.append)
    assert notes == [f"nothing to do: {run} had already finished (budget of 3 evaluations spent); give a larger "
                     "--budget and --max-seconds to continue it"]
    assert resume(run, budget=5, max_seconds=5.0)["evaluations"] == 5


def test_a_resume_with_nothing_to_do_says_only_that(tmp_path):
    """It also said again what its checks say of a run going on (here: a user's space without a functional hash
    under --dedup functional, which counts only architectures written alike as repeats)."""
    _register(DigitSum, "m2-digit-sum")
    run = tmp_path / "run"
    heard: list[str] = []
    search(SearchConfig(space=Digits.name, evaluator="m2-digit-sum", dedup="functional", budget=4, run_dir=str(run)),
           on_note=heard.append)
    assert [text for text in heard if "defines no functional_hash" in text]  # the note a resume that runs says
    notes: list[str] = []
    resume(run, on_note=notes.append)
    assert notes == [f"nothing to do: {run} had already finished (budget of 4 evaluations spent); give a larger "
                     "--budget to continue it"]


def test_notes_said_as_a_search_runs_are_heard_when_its_default_folder_was_taken_meanwhile(
        tmp_path, monkeypatch):
    """Another search took the default folder's name between its choice and its claim: the plugins were built again
    without the note hook, so what they said as the run went was lost."""
    _register(Noting, "m2-noting")
    monkeypatch.chdir(tmp_path)
    chosen = search_module.default_run_dir

    def taken_meanwhile(config: SearchConfig) -> Path:
        name = chosen(config)
        os.makedirs(config.path(str(name)))  # as another search claims it
        return name

    monkeypatch.setattr(search_module, "default_run_dir", taken_meanwhile)
    notes: list[str] = []
    summary = search(SearchConfig(space=Digits.name, evaluator="m2-noting", strategy="random", budget=2),
                     on_note=notes.append)
    assert summary["evaluations"] == 2 and len([n for n in notes if n.startswith("scored ")]) == 2


class ClosingSaid(InProcessExecutor):
    """The in-process executor, telling when it is closed."""

    closed: list[bool] = []

    def close(self) -> None:
        ClosingSaid.closed.append(True)
        super().close()


def test_a_note_hook_that_raises_still_closes_the_executor(tmp_path):
    """The held notes were said after the executor's guard had ended: a hook raising there (a closed pipe, Ctrl-C as
    it prints) left a Ray executor's cluster up."""
    _register(DigitSum, "m2-digit-sum")
    register_executor("m2-closing-said")(ClosingSaid)
    ClosingSaid.closed.clear()

    def broken(text: str) -> None:
        raise BrokenPipeError("stderr is gone")

    config = SearchConfig(space=Digits.name, evaluator="m2-digit-sum", executor="m2-closing-said", dedup="functional",
                          budget=2, run_dir=str(tmp_path / "run"))  # functional dedup on a user's space: a note
    with pytest.raises(BrokenPipeError):
        search(config, on_note=broken)
    assert ClosingSaid.closed == [True]
