"""A plugin strategy's lookups kept without its state are replayed even when they spent the budget or the space.

A group of table lookups committed without a user's strategy state (Ctrl-C, SIGTERM, an error: see
engine/store_writes.py) is replayed on resume: the strategy, back at the state before the group, proposes its
lookups again and they are answered from the store. They were counted in the budget from the start, so a group
ending with the budget's last evaluation (or the space's) left the resumed run nothing to do: it stopped at once,
the replay never ran, the group's repeats were never counted and the state from before the group was saved as the
run's last (the reviewer's run: state step 0 and no repeats, where the uninterrupted run has step 708 and 508).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from nasloop.engine import store_writes
from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_evaluator, register_search_space, register_strategy
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.types import Arch, Observation
from nasloop.strategies.base import Strategy

from .digit_space import DigitSum
from .test_exhausted_space_q import TwoDigits as UnsizedTwoDigits

COLUMNS = "id, step, arch, key, fidelity, state, duplicate_of, status, score, metrics, cost, reason, told"


class Greedy(Strategy):
    """Mutates its best result, or samples with probability ``explore``: it repeats itself often. Its state is
    rebuilt from the best it saves. Set on the class, ``skip`` draws that many numbers more at each ask, and
    ``stuck`` proposes the best again and again: so a strategy whose saved state leaves something out goes another
    way on resume."""

    skip, stuck = 0, False

    def __init__(self, space: Any, seed: int = 0, explore: float = 0.2) -> None:
        super().__init__(space, seed)
        self.explore = explore
        self.best: Arch | None = None
        self.best_score: float | None = None

    def ask(self, n: int) -> list[Arch]:
        self.rng.random(Greedy.skip)
        if Greedy.stuck and self.best is not None:
            return [self.best] * n
        return [self.space.sample(self.rng) if self.best is None or self.rng.random() < self.explore
                else self.space.mutate(self.best, self.rng) for _ in range(n)]

    def tell(self, observations: list[Observation]) -> None:
        for o in observations:
            if o.score is not None and (self.best_score is None or o.score > self.best_score):
                self.best, self.best_score = o.arch, o.score

    def state_dict(self) -> dict[str, Any]:
        best = None if self.best is None else self.space.format(self.best)
        return {**super().state_dict(), "best": best, "best_score": self.best_score}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.best = None if state["best"] is None else self.space.parse(state["best"])
        self.best_score = state["best_score"]


class TwoDigits(UnsizedTwoDigits):
    """Two digits 0-3: a space of 16 that says so, which a search evaluates whole."""

    name = "m3-two-digits"

    @property
    def size(self) -> int:
        return 16

    def mutate(self, arch: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        i = int(rng.integers(0, 2))
        return arch[:i] + (int(rng.integers(0, 4)),) + arch[i + 1:]


class InstantDigitSum(DigitSum):
    """The digits' sum, answered in microseconds: a serial search groups its evaluations as it does table lookups."""

    instant = True


@pytest.fixture
def greedy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Greedy registered, going the way it went, and each run one group of lookups, committed as the run stops (so
    the interrupted run keeps no state after its first ask, whatever the machine's speed)."""
    register_strategy("m3-greedy")(Greedy)
    monkeypatch.setattr(Greedy, "skip", 0)
    monkeypatch.setattr(Greedy, "stuck", False)
    monkeypatch.setattr(store_writes, "GROUP_SECONDS", 3600.0)


def interrupt_at(evaluations: int) -> Callable[[int, Any, Any], None]:
    """An on_progress raising Ctrl-C once ``evaluations`` have finished: the run stops before its final save."""
    def hook(done: int, total: Any, best: Any) -> None:
        if done == evaluations:
            raise KeyboardInterrupt
    return hook


def ended(run_dir: Path) -> tuple:
    """What a run ends with: its trials, its strategy state and its step, its repeats and why it stopped."""
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:
        trials = db.execute(f"SELECT {COLUMNS} FROM trials ORDER BY id").fetchall()
        state = db.execute("SELECT step, state FROM strategy_state").fetchall()
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('repeats_answered', 'stop_reason')"))
    return trials, [(step, json.loads(text)) for step, text in state], meta


def interrupted_and_resumed(tmp_path: Path, config: dict[str, Any], last: int) -> tuple[tuple, tuple]:
    """The run of ``config`` uninterrupted, and interrupted after its ``last`` evaluation then resumed."""
    reference, run = tmp_path / "reference", tmp_path / "interrupted"
    search(SearchConfig(**config, run_dir=str(reference)))
    with pytest.raises(KeyboardInterrupt):
        search(SearchConfig(**config, run_dir=str(run)), on_progress=interrupt_at(last))
    expected, stopped = ended(reference), ended(run)
    assert stopped[0] == expected[0]  # every lookup kept; the state is the one from before them
    assert [step for step, _ in stopped[1]] != [step for step, _ in expected[1]]
    # its repeats are counted with its lookups (show counts them), and not again as the resumed strategy replays them
    assert stopped[2]["repeats_answered"] == expected[2]["repeats_answered"] and int(expected[2]["repeats_answered"])
    resume(run)
    return ended(run), expected


def test_lookups_replayed_up_to_the_budgets_last_end_as_the_uninterrupted_run(tmp_path, data_dir, greedy):
    config = dict(strategy="m3-greedy", budget=40, seed=3, data_dir=str(data_dir))
    resumed, expected = interrupted_and_resumed(tmp_path, config, 40)
    assert resumed == expected  # was: state step 0, no repeats counted
    assert summarize(tmp_path / "interrupted")["evaluations"] == 40


def test_lookups_replayed_up_to_the_spaces_last_end_as_the_uninterrupted_run(tmp_path, greedy):
    register_search_space("m3-two-digits")(TwoDigits)
    register_evaluator("m3-digit-sum")(InstantDigitSum)
    config = dict(space="m3-two-digits", evaluator="m3-digit-sum", strategy="m3-greedy", max_seconds=1000.0,
                  seed=1)
    resumed, expected = interrupted_and_resumed(tmp_path, config, 16)
    assert resumed == expected
    assert resumed[2]["stop_reason"] == '"every architecture of the space (16) has been evaluated"'


def test_a_strategy_that_goes_another_way_on_resume_does_not_overrun_the_budget(tmp_path, data_dir, greedy,
                                                                              monkeypatch):
    """It proposes a new architecture while lookups remain to replay: they count at once, and what it proposes
    past the budget is not evaluated."""
    run = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        search(SearchConfig(strategy="m3-greedy", budget=20, seed=3, data_dir=str(data_dir), run_dir=str(run)),
               on_progress=interrupt_at(20))
    monkeypatch.setattr(Greedy, "skip", 1)
    summary = resume(run)
    assert summary["evaluations"] == 20 and summary["stop_reason"] == "budget of 20 evaluations spent"


def test_a_strategy_that_goes_another_way_on_a_spent_space_stops_past_the_replays_steps(tmp_path, greedy,
                                                                                      monkeypatch):
    """It proposes its best again and again, known, so no proposal tells it has left the replay: past the step of
    the last lookup to replay, the space counts as spent, as it was (not after 10,000 repeats in a row)."""
    register_search_space("m3-two-digits")(TwoDigits)
    register_evaluator("m3-digit-sum")(InstantDigitSum)
    run = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        search(SearchConfig(space="m3-two-digits", evaluator="m3-digit-sum", strategy="m3-greedy",
                            max_seconds=1000.0, seed=1, run_dir=str(run)), on_progress=interrupt_at(16))
    monkeypatch.setattr(Greedy, "stuck", True)
    summary = resume(run)
    assert summary["evaluations"] == 16
    assert summary["stop_reason"] == "every architecture of the space (16) has been evaluated"
