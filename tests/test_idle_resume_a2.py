"""A resume with nothing to do leaves a failed run, and one that evaluated its whole space, byte for byte.

Only a finished run whose budget was spent was left as it was. A run stored as failed because every evaluation
failed, resumed with no larger budget, ran the loop to evaluate nothing and rewrote its status, stop reason, wall
time and strategy state (and the CLI said nothing of why); a run that stopped short of its budget because every
architecture of its space was evaluated, resumed with the same or a larger budget, did the same.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import resume, search, summarize
from nasloop.search_spaces.base import EnumerableSpace

from .digit_space import DigitSum
from .test_exhausted_space_q import TwoDigits
from .test_idle_resume_x import _files

FAILING = ["--space", "nb201", "--strategy", "random", "--objective", "edgetpu_latency", "--minimize", "--seed", "42"]
"""NB201 cells lacking an edgetpu_latency fail their evaluation (HW-NAS-Bench has none for 4,699 of them): the
first two random cells of seed 42 are such cells."""


class Pairs(TwoDigits):
    """Two digits 0-3 written '0-3', with no declared size: a run can only tell it is spent by a streak of
    repeats."""

    name = "a2-pairs"


class CountedPairs(EnumerableSpace, Pairs):
    """The same sixteen pairs, with their size declared: the loop stops once each is evaluated."""

    name = "a2-counted-pairs"

    @property
    def size(self) -> int:
        return 16

    def enumerate(self) -> Iterator[tuple[int, ...]]:
        return iter([(a, b) for a in range(4) for b in range(4)])


def _failed_run(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    run = tmp_path / "run"
    assert main(["search", *FAILING, "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                 "--quiet"]) == 1
    assert "all 2 evaluations failed; the first: no finite 'edgetpu_latency'" in capsys.readouterr().err
    return run


def test_a_run_whose_every_evaluation_failed_resumed_with_no_more_budget_is_left_byte_for_byte(
        tmp_path, data_dir, capsys):
    run = _failed_run(tmp_path, data_dir, capsys)
    before = _files(tmp_path)
    assert main(["search", "--resume", str(run), "--quiet"]) == 1  # as 'nasloop search' reports a failed run
    assert resume(run)["status"] == "failed"  # the API too
    after = _files(tmp_path)
    assert sorted(after) == sorted(before)
    assert not [name for name in before if after[name] != before[name]]
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == (f"nasloop search: note: nothing to do: {run} had already failed; give a larger --budget to try "
                      "more architectures")
    assert len(err) == 2 and err[1].startswith("nasloop search: failed: all 2 evaluations failed; the first: no "
                                               "finite 'edgetpu_latency'")


def test_a_run_whose_one_evaluation_failed_says_so_in_the_singular(tmp_path, data_dir, capsys):
    """It read 'all 1 evaluations failed'."""
    assert main(["search", *FAILING, "--budget", "1", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"),
                 "--quiet"]) == 1
    assert capsys.readouterr().err.startswith("nasloop search: failed: its one evaluation failed: no finite "
                                              "'edgetpu_latency' in this result")


def test_a_failed_run_resumed_with_a_larger_budget_evaluates_more(tmp_path, data_dir, capsys):
    run = _failed_run(tmp_path, data_dir, capsys)
    main(["search", "--resume", str(run), "--budget", "5", "--quiet"])
    assert "nothing to do" not in capsys.readouterr().err
    summary = summarize(run)
    assert summary["evaluations"] == 5 and summary["budget"]["queries"] == 5


def _spent_space(tmp_path: Path, space: type[Pairs], **budget: float) -> Path:
    """A random search of ``space`` (scored by its digits, at a cost of 1 s each) with ``budget``."""
    register_search_space(space.name)(space)
    register_evaluator("a2-digit-sum")(DigitSum)
    run = tmp_path / "run"
    search(SearchConfig(space=space.name, evaluator="a2-digit-sum", strategy="random", run_dir=str(run), **budget))
    return run


@pytest.mark.parametrize("more", [[], ["--max-seconds", "100"], ["--max-seconds", "500"]])
def test_a_run_that_evaluated_its_whole_space_resumed_is_left_byte_for_byte(tmp_path, capsys, more):
    run = _spent_space(tmp_path, CountedPairs, max_seconds=100.0)
    before = _files(tmp_path)  # before any summary: a read leaves the store's -wal and -shm files beside it
    capsys.readouterr()
    assert main(["search", "--resume", str(run), *more, "--quiet"]) == 0
    after = _files(tmp_path)
    assert sorted(after) == sorted(before)
    assert not [name for name in before if after[name] != before[name]]  # a larger budget is not stored either
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"nasloop search: note: nothing to do: {run} had already finished (every architecture of the "
                   "space (16) has been evaluated)"]
    summary = summarize(run)
    assert summary["evaluations"] == 16 and summary["budget"]["seconds"] == 100.0
    assert summary["budget"]["seconds_used"] == 16.0  # stopped short of its 100 s


def test_a_run_stopped_by_a_streak_of_repeats_goes_on_when_resumed(tmp_path, capsys):
    """Its space declares no size: a resumed strategy may yet propose an architecture it has not evaluated."""
    run = _spent_space(tmp_path, Pairs, budget=20)
    stopped = summarize(run)
    assert stopped["evaluations"] == 16 and "already-evaluated architectures in a row" in stopped["stop_reason"]
    capsys.readouterr()
    assert "proposed 10000 already-evaluated" in stopped["stop_reason"]
    assert main(["search", "--resume", str(run), "--quiet"]) == 0
    # it asked the strategy again: one more repeat, counted on from the streak the run stopped at
    assert "proposed 10001 already-evaluated" in summarize(run)["stop_reason"]
    err = capsys.readouterr().err  # so it does not say it had nothing to do, as of a run left as it was
    assert f"the resume of {run} evaluated nothing new: the strategy proposed" in err and "nothing to do" not in err
