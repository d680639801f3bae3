"""A streak of repeats interrupted and resumed stops where the uninterrupted run stops, with the same reason.

The loop stops after ``max_duplicate_streak`` proposals in a row that repeat evaluated architectures. The resumed
strategy starts from its last saved state and proposes again what came after it, so the repeats after that state are
counted again; the count up to it was not saved, and a resumed run started it at 0. A state is saved in the middle of a
streak where a result arrives while the strategy repeats itself (several trials running at once): the resumed run
then went on past the uninterrupted run's stop (here: to its budget of 20, where the uninterrupted run stopped at 5
evaluations). The count is now saved with each state and resumed with it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.store import RunStore
from nasloop.engine.types import Arch, Observation
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.base import Strategy

LIMIT = 19
"""The streak that stops a run: odd, so the uninterrupted run's count (1, then 2 an ask) reaches it on the plateau
while a count restarted at 0 (2 an ask) does not."""


class Plateau(Strategy):
    """Samples five cells, then proposes the first again :data:`LIMIT` times, then samples anew."""

    def __init__(self, space: NB201Space, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.asked, self.first = 0, None

    def ask(self, n: int) -> list[Arch]:
        cells = []
        for _ in range(n):
            self.asked += 1
            if 6 <= self.asked < 6 + LIMIT:
                cells.append(self.first)
                continue
            cells.append(self.space.sample(self.rng))
            self.first = cells[-1] if self.first is None else self.first
        return cells

    def tell(self, observations: list[Observation]) -> None:
        pass

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asked": self.asked, "first": self.space.format(self.first)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked, self.first = state["asked"], self.space.parse(state["first"])


class TwoWorkers(InProcessExecutor):
    """Two trials at once, answered first in, first out (a cluster of two, in order): results arrive while the
    strategy proposes repeats, and each saves the strategy's state."""

    @property
    def capacity(self) -> int:
        return 2

    def evaluate_now(self, evaluator: Any, arch: Arch, fidelity: int | None) -> None:
        return None


def interrupt_at(evaluations: int) -> Any:
    """An on_progress raising Ctrl-C once ``evaluations`` have finished, after the state saved with the last."""
    def hook(done: int, total: Any, best: Any) -> None:
        if done == evaluations:
            raise KeyboardInterrupt
    return hook


def searched(run_dir: Path, context: Any, on_progress: Any = None) -> tuple[str, dict[str, float]]:
    """Plateau's search of NB201 (a budget of 20) in ``run_dir``, new or resumed: why it stopped, and its counts."""
    space = NB201Space()
    with RunStore.in_run_dir(run_dir, create=not (run_dir / "nasloop.sqlite").exists()) as store:
        loop = SearchLoop(space, Plateau(space), TabularEvaluator(space, context), TwoWorkers(), store,
                          Budget(queries=20), max_duplicate_streak=LIMIT, on_progress=on_progress)
        return loop.run(), store.counts()


def test_a_streak_interrupted_midway_stops_the_resumed_run_where_the_uninterrupted_one_stops(tmp_path, nb201_context):
    reference, run = tmp_path / "reference", tmp_path / "run"
    reference.mkdir(), run.mkdir()
    expected, counts = searched(reference, nb201_context)
    assert expected == ("the strategy proposed 19 already-evaluated architectures in a row; stopping: 5 of its "
                        "15,625 architectures evaluated; the strategy stopped exploring")
    with pytest.raises(KeyboardInterrupt):  # the fifth result arrives after the first repeat: its state is midway
        searched(run, nb201_context, on_progress=interrupt_at(5))
    reason, resumed = searched(run, nb201_context)
    assert reason == expected  # was: "budget of 20 evaluations spent", 20 evaluations
    assert (resumed["evaluations"], resumed["duplicates"]) == (counts["evaluations"], counts["duplicates"]) == (5, 19)
