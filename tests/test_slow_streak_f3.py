"""A long streak of repeats is said once, as a note; the search stops only after its count, never after a time.

bo refitted its GP at each repeat on a spent space of 12 (about 22 asks a second): the loop's stop after 10,000
repeats in a row came after 8+ minutes. bo itself no longer fits then (test_bo_exhausted_f3.py). A stop once a streak
of 100 had lasted 60 s made a run's end depend on the machine's speed (a slower one stopped sooner, a resume could
end otherwise than the run uninterrupted) and its reason did not say time caused it; the loop now says so in a note,
once (``streak_note_seconds``, 60 by default), and stops after its count alone.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from nasloop.engine import stop_reasons
from nasloop.engine.config import SearchConfig
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.engine.types import Arch, Observation
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.base import Strategy


class Best(Strategy):
    """Samples four architectures, then proposes the best of them again and again: only repeats from then on."""

    def __init__(self, space: NB201Space, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.results: list[tuple[Arch, float]] = []

    def ask(self, n: int) -> list[Arch]:
        if len(self.results) < 4:
            return [self.space.sample(self.rng) for _ in range(n)]
        return [max(self.results, key=lambda r: r[1])[0]] * n

    def tell(self, observations: list[Observation]) -> None:
        self.results += [(o.arch, o.score) for o in observations if o.score is not None]


class Plateau(Strategy):
    """Samples, but from its sixth ask to its 205th proposes its first architecture again: a plateau of 200 repeats,
    after which it samples anew."""

    def __init__(self, space: Any, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.asked, self.first = 0, None

    def ask(self, n: int) -> list[Arch]:
        self.asked += 1
        if 6 <= self.asked <= 205:
            return [self.first]
        arch = self.space.sample(self.rng)
        self.first = arch if self.first is None else self.first
        return [arch]

    def tell(self, observations: list[Observation]) -> None:
        pass


class Clock:
    """A monotonic clock a second ahead at each reading: a streak of 100 repeats has then lasted a minute by the
    repeat that reads it 60 times later, however fast the machine runs them."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def streak_run(run_dir: Path, nb201_context: Any, seconds: float) -> tuple[str, list[str], list[tuple]]:
    """Best's run of 10 evaluations stopped after 150 repeats in a row: its stop reason, notes and trials."""
    space, notes = NB201Space(), []
    with RunStore.in_run_dir(run_dir, create=True) as store:
        reason = SearchLoop(space, Best(space), TabularEvaluator(space, nb201_context), InProcessExecutor(), store,
                            Budget(queries=10), max_duplicate_streak=150, streak_note_seconds=seconds,
                            on_note=notes.append).run()
        trials = [(t.arch, t.score) for t in store.trials()]
    return reason, notes, trials


def test_a_streak_that_has_lasted_its_seconds_is_noted_once_and_stops_at_its_count(tmp_path, nb201_context):
    reason, notes, trials = streak_run(tmp_path, nb201_context, 0.0)
    assert "the strategy proposed 150 already-evaluated architectures in a row" in reason
    assert notes == ["the strategy has proposed 100 already-evaluated architectures in a row for 0 s; the search "
                     "stops after 150 (Ctrl-C stops it now, and --resume continues it)"]
    assert len(trials) == 4


def test_how_long_a_streak_lasts_does_not_change_how_the_run_ends(tmp_path, nb201_context):
    fast, slow = streak_run(tmp_path / "a", nb201_context, 600.0), streak_run(tmp_path / "b", nb201_context, 0.0)
    assert fast[1] == [] and slow[1] != []  # only the note differs
    assert (fast[0], fast[2]) == (slow[0], slow[2])


def test_a_search_says_a_minute_long_streak_through_its_on_note_and_goes_on(tmp_path, data_dir, monkeypatch):
    """The run's own on_note hears it (the command's 'note:' line); the plateau ends, and the run spends its
    budget as on any machine."""
    register_strategy("m3-plateau")(Plateau)
    monkeypatch.setattr(stop_reasons, "time", Clock())
    notes: list[str] = []
    summary = search(SearchConfig(strategy="m3-plateau", budget=10, seed=0, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run")), on_note=notes.append)
    assert summary["evaluations"] == 10 and summary["stop_reason"] == "budget of 10 evaluations spent"
    said = [n for n in notes if "already-evaluated architectures in a row" in n]
    assert len(said) == 1 and "in a row for 60 s; the search stops after 10,000" in said[0], notes
    with sqlite3.connect(tmp_path / "run" / "nasloop.sqlite") as db:
        repeats = db.execute("SELECT value FROM meta WHERE key = 'repeats_answered'").fetchone()[0]
    assert int(repeats) == 200

