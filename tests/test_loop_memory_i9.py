"""The search loop keeps no evaluation's result in memory: a long run's record grew by every result's metrics.

To answer a repeat from what it has seen, the loop needs whether an architecture's trial finished, its scores and
its objectives' noise, not the result: it kept each Result (every number the evaluator measured, 1.8 KB a lookup on
NB201: 27.5 MB after NB201's 15,623 lookups), in a new run and in a resumed one alike.
"""
from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.store import RunStore
from nasloop.engine.types import Arch, Observation, Result
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.base import Strategy


class Repeating(Strategy):
    """Samples a new cell, then proposes the first one again, in turn; remembers every observation it is told."""

    def __init__(self, space: NB201Space, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.asked, self.first, self.told = 0, None, []

    def ask(self, n: int) -> list[Arch]:
        cells = []
        for _ in range(n):
            self.asked += 1
            cells.append(self.first if self.first is not None and self.asked % 2 == 0 else self.space.sample(self.rng))
            self.first = cells[0] if self.first is None else self.first
        return cells

    def tell(self, observations: list[Observation]) -> None:
        self.told += observations

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asked": self.asked, "first": self.space.format(self.first)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked, self.first = state["asked"], self.space.parse(state["first"])


def results_alive() -> int:
    gc.collect()
    return sum(type(o) is Result for o in gc.get_objects())  # type(): isinstance reads torch's deprecated __class__


def search(run_dir: Path, context: Any, budget: int) -> tuple[SearchLoop, Repeating]:
    """The search of ``run_dir`` (new, or resumed where it holds a store) to ``budget``, its loop kept alive."""
    space = NB201Space()
    strategy = Repeating(space)
    with RunStore.in_run_dir(run_dir, create=not (run_dir / "nasloop.sqlite").exists()) as store:
        loop = SearchLoop(space, strategy, TabularEvaluator(space, context), InProcessExecutor(), store,
                          Budget(queries=budget))
        loop.run()
    return loop, strategy


def test_a_run_and_its_resume_keep_no_result_of_their_evaluations(tmp_path, nb201_context):
    others = results_alive()  # those of other tests in this process (the suite's CI run found 10), kept elsewhere
    loop, strategy = search(tmp_path, nb201_context, 30)
    assert results_alive() - others <= 0  # was 30, one per evaluation, held as long as the loop
    repeats = [o for o in strategy.told if o.arch == strategy.first]
    assert len(repeats) > 1 and {o.score for o in repeats} == {repeats[0].score} and repeats[0].score is not None
    del loop
    loop, strategy = search(tmp_path, nb201_context, 60)
    assert results_alive() - others <= 0  # was 60: the resume kept the stored ones too
    repeats = [o for o in strategy.told if o.arch == strategy.first]
    assert repeats and {o.score for o in repeats} == {repeats[0].score} and repeats[0].score is not None
