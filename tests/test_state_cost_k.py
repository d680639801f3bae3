"""A user strategy's state is read when its group of table lookups commits, not copied at every lookup.

A user's ``state_dict`` may return its live lists, which later asks change before the group's commit; the loop
copied the state (a JSON round trip) after every lookup, so a state holding the search's history cost quadratic
time (3,000 lookups: 1.3 s became 7.4 s). Where the strategy's state is no longer the one after the group's last
lookup (an error, a full disk), the group is rolled back and redone on resume, as after a hard kill.
"""
from __future__ import annotations

import json
import sqlite3
import time

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import build_plugins, resume, search
from nasloop.engine.store import RunStore
from nasloop.engine.store_writes import GROUP_SECONDS
from nasloop.strategies.base import Strategy


def _register_history(reads: list[int]) -> None:
    @register_strategy("history-k")
    class History(Strategy):  # keeps every proposal, and returns that list itself from state_dict
        def __init__(self, space, seed=0):
            super().__init__(space, seed)
            self.history: list[str] = []

        def ask(self, n):
            out = [self.space.sample(self.rng) for _ in range(n)]
            self.history += [self.space.format(a) for a in out]
            return out

        def tell(self, observations):
            """Learns nothing from scores."""

        def state_dict(self):
            reads.append(len(self.history))
            return {**super().state_dict(), "history": self.history}  # live, not a copy

        def load_state_dict(self, state):
            super().load_state_dict(state)
            self.history = state["history"]


def _archs(run) -> list[str]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return [row[0] for row in db.execute("SELECT arch FROM trials ORDER BY id")]


def test_a_user_state_holding_the_history_is_read_per_commit_not_per_lookup(tmp_path, data_dir):
    reads: list[int] = []
    _register_history(reads)
    config = SearchConfig(strategy="history-k", budget=800, seed=0, data_dir=str(data_dir))
    space, strategy, evaluator, executor = build_plugins(config)
    path = tmp_path / "store.sqlite"
    with RunStore(path, create=True) as store:
        loop = SearchLoop(space, strategy, evaluator, executor, store, Budget(queries=800))
        started = time.monotonic()
        loop.run()
        elapsed = time.monotonic() - started
    # a group commits once it is GROUP_SECONDS old, and the run's end saves the state once more
    assert len(reads) <= elapsed / GROUP_SECONDS + 2, f"{len(reads)} reads of the state in {elapsed:.2f} s"
    with RunStore(path) as store:
        trials = [t.arch for t in store.evaluations()]
        history = store.strategy_state()[1]["history"]  # repeats of earlier proposals were counted, not stored
        assert len(trials) == 800 and list(dict.fromkeys(history)) == trials


def test_a_full_disk_loses_only_the_open_group_of_a_users_lookups_and_resume_is_exact(tmp_path, data_dir,
                                                                                      monkeypatch):
    _register_history([])
    config = SearchConfig(strategy="history-k", budget=150, seed=2, data_dir=str(data_dir))
    search(config.replace(run_dir=str(tmp_path / "whole")))
    opened = RunStore.__init__

    def with_little_room(self, *args, **kwargs):  # SQLite's own size limit: the SQLITE_FULL of a full disk
        opened(self, *args, **kwargs)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages + 3}")

    monkeypatch.setattr(RunStore, "__init__", with_little_room)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        search(config.replace(run_dir=str(tmp_path / "cut")))
    monkeypatch.undo()
    stored = _archs(tmp_path / "cut")
    with sqlite3.connect(tmp_path / "cut" / "nasloop.sqlite") as db:
        saved = db.execute("SELECT state FROM strategy_state").fetchone()
    assert stored == list(dict.fromkeys(json.loads(saved[0])["history"] if saved else []))  # a consistent prefix
    assert resume(tmp_path / "cut")["evaluations"] == 150
    assert _archs(tmp_path / "cut") == _archs(tmp_path / "whole")
