"""Table lookups a plugin strategy made before it raised (or a Ctrl-C came) are kept, and the run resumes exactly.

Instant lookups are committed in groups (engine/store_writes.py). A user's strategy state is read when its group
commits, and at an error it is no longer the state after the group's last lookup, so the group was rolled back:
six lookups ran, then 'show' said "0 of 12" and export wrote only its header. The group is now committed without a
state; the resumed strategy proposes those lookups again and the loop answers them from the store, uncounted.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import PluginFault
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.types import Arch, Observation
from nasloop.strategies.base import Strategy

COLUMNS = "id, step, arch, key, fidelity, state, duplicate_of, status, score, metrics, cost, reason, told"


class Flaky(Strategy):
    """Draws cells, proposes its best again every third ask (a repeat the loop answers from the store), returns its
    live history list as its state, and while ``crashes`` is above 0 raises in ask ``crash_at`` after a draw, so
    the state it leaves is not the one after its last lookup."""

    crashes = 0
    error: type[BaseException] = RuntimeError

    def __init__(self, space: Any, seed: int = 0, crash_at: int = 0) -> None:
        super().__init__(space, seed)
        self.crash_at, self.asks = crash_at, 0
        self.history: list[list[Any]] = []  # [text, score] of each told architecture

    def ask(self, n: int) -> list[Arch]:
        self.asks += 1
        arch = self.space.sample(self.rng)
        if self.asks == self.crash_at and Flaky.crashes:
            Flaky.crashes -= 1
            raise Flaky.error("strategy bug")
        scored = [h for h in self.history if h[1] is not None]
        if self.asks % 3 == 0 and scored:
            return [self.space.parse(max(scored, key=lambda h: h[1])[0])]
        return [arch]

    def tell(self, observations: list[Observation]) -> None:
        self.history += [[self.space.format(o.arch), o.score] for o in observations]

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asks": self.asks, "history": self.history}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asks, self.history = state["asks"], [list(h) for h in state["history"]]


def trials(run_dir: Path) -> list[tuple]:
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:
        return db.execute(f"SELECT {COLUMNS} FROM trials ORDER BY id").fetchall()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_lookups_before_a_plugin_strategy_raised_are_kept_and_the_run_resumes_exactly(tmp_path, data_dir, error):
    register_strategy("f3-flaky")(Flaky)
    config = dict(strategy="f3-flaky", strategy_options={"crash_at": 9}, budget=12, seed=4, data_dir=str(data_dir))
    reference = tmp_path / "reference"
    search(SearchConfig(**config, run_dir=str(reference)))
    expected = trials(reference)
    assert len(expected) == 12 and summarize(reference)["duplicates_answered"] >= 3

    run = tmp_path / "crashed"
    Flaky.crashes, Flaky.error = 1, error
    raised = PluginFault if error is RuntimeError else error  # a user's plugin raising is named as its fault
    with pytest.raises(raised, match="strategy bug") as caught:
        search(SearchConfig(**config, run_dir=str(run)))
    assert isinstance(caught.value.__cause__ if error is RuntimeError else caught.value, error)
    assert trials(run) == expected[:6]  # asks 1-8: six lookups, two repeats; the ninth raised
    assert summarize(run)["evaluations"] == 6

    resume(run)
    assert trials(run) == expected
    shown, wanted = summarize(run), summarize(reference)
    assert shown["duplicates_answered"] == wanted["duplicates_answered"]  # the replayed lookups are not repeats
    assert shown["best"] == wanted["best"] and shown["evaluations"] == 12
