"""What a resumed run says and counts of the table lookups it replays (engine/replays.py).

A group of lookups committed without a plugin strategy's state (a Ctrl-C, SIGTERM or error) is replayed on resume:
the strategy, back at the state before the group, proposes its lookups again, answered from the store. Three things
went unsaid or uncounted:

- where the resumed strategy went another way with the budget spent by the lookups left to replay, its new
  proposals past the budget were dropped without a word;
- the progress hook (the command's bar) was not called as the replay counted lookups, nor as a resumed run began:
  the bar read 0 until the first new evaluation, then jumped to the run's count;
- the group's repeats were counted only once replayed: ``nasloop show`` of the stopped run (a study's, whose compare
  resumes it later) counted none of them, and a strategy that went another way never counted them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nasloop.engine import cli, store_writes
from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.engine.types import Arch, Observation
from nasloop.strategies.base import Strategy

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c
from .test_replay_at_budget_end_m3 import Greedy, interrupt_at


class Twice(Strategy):
    """Proposes each cell of a seeded draw twice in a row (its n-th proposal: cell n // 2), so each lookup is
    followed by one repeat; its own ``state_dict``, as a user's, leaves its groups of lookups without a state."""

    def __init__(self, space: Any, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.draws, self.asked = seed, 0

    def ask(self, n: int) -> list[Arch]:
        cells = [self.space.sample(np.random.default_rng([self.draws, (self.asked + i) // 2])) for i in range(n)]
        self.asked += n
        return cells

    def tell(self, observations: list[Observation]) -> None:
        pass

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asked": self.asked}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked = state["asked"]


@pytest.fixture
def one_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """The strategies registered, Greedy going the way it went, and each run one group of lookups, committed as
    the run stops (without a state where it is interrupted), whatever the machine's speed."""
    register_strategy("c5-greedy")(Greedy)
    register_strategy("c5-twice")(Twice)
    monkeypatch.setattr(Greedy, "skip", 0)
    monkeypatch.setattr(Greedy, "stuck", False)
    monkeypatch.setattr(store_writes, "GROUP_SECONDS", 3600.0)


def interrupted(run: Path, data_dir: Path, budget: int, last: int) -> None:
    """Greedy's search of ``budget`` lookups interrupted (Ctrl-C) once ``last`` have finished, before any state after
    them."""
    with pytest.raises(KeyboardInterrupt):
        search(SearchConfig(strategy="c5-greedy", budget=budget, seed=3, data_dir=str(data_dir), run_dir=str(run)),
               on_progress=interrupt_at(last))


def test_a_resume_going_another_way_says_the_proposals_it_drops_past_the_budget(tmp_path, data_dir, one_group,
                                                                               monkeypatch):
    run, notes = tmp_path / "run", []
    interrupted(run, data_dir, 20, 20)
    monkeypatch.setattr(Greedy, "skip", 1)  # its draws differ from the run it resumes
    summary = resume(run, on_note=notes.append)
    assert summary["evaluations"] == 20 and summary["stop_reason"] == "budget of 20 evaluations spent"
    assert ("the resumed strategy went another way than the run it continues (its proposals are not fixed by its seed "
            "and saved state, or its code changed): the 20 stored lookups it had yet to propose again count as "
            "evaluated, and its 1 new proposal past the budget they spend is dropped, not evaluated") in notes, notes


def test_a_replay_advances_the_progress_from_the_first_lookup(tmp_path, data_dir, one_group):
    """The 12 lookups kept without a state are replayed: each counts as the strategy proposes it again."""
    run, heard = tmp_path / "run", []
    interrupted(run, data_dir, 20, 12)
    resume(run, on_progress=lambda done, total, best: heard.append((done, total)))
    assert heard == [(done, 20) for done in range(1, 21)]  # was: (13, 20) first


def test_a_resumed_run_starts_its_progress_at_the_evaluations_done(tmp_path, data_dir):
    run, heard = tmp_path / "run", []
    search(SearchConfig(strategy="random", budget=5, seed=0, data_dir=str(data_dir), run_dir=str(run)))
    resume(run, budget=8, on_progress=lambda done, total, best: heard.append((done, total, best is not None)))
    assert heard == [(5, 8, True), (6, 8, True), (7, 8, True), (8, 8, True)]  # was: (6, 8, True) first


def _repeats(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, int, int]:
    capsys.readouterr()
    assert cli.main(["show", "--json", str(run_dir)]) == 0
    shown = json.loads(capsys.readouterr().out)
    return shown["status"], shown["evaluations"], shown["duplicates_answered"]


def test_show_counts_the_repeats_of_a_studys_run_stopped_with_lookups_kept_without_a_state(tmp_path, data_dir,
                                                                                         one_group, capsys):
    """Ctrl-C as the fifth lookup is written: the four before it are kept without a state, and the repeats told
    after the first three with them (the one after the fourth is told again by the resumed strategy). The run is
    resumed as the study's compare resumes it (without the compare's report, which takes seconds)."""
    study = tmp_path / "study"
    run_dir = study / "runs" / "c5-twice" / "seed-0"
    with python_ctrl_c(CtrlCAtCall(RunStore.record_evaluated.__code__, 5)):
        assert cli.main(["compare", "--methods", "c5-twice", "--seeds", "1", "--budget", "11", "--data-dir",
                         str(data_dir), "--out", str(study), "--quiet"]) == 130
    assert _repeats(run_dir, capsys) == ("interrupted", 4, 3)  # was: 0 repeats, counted only once replayed
    resume(run_dir)
    assert _repeats(run_dir, capsys) == ("finished", 11, 10)  # one after each lookup but the last: none twice
