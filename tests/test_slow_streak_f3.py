"""A strategy slow to ask, proposing only repeats, stops in a bounded time, not after 10,000 of its asks.

bo refitted its GP at each repeat on a spent space of 12 (about 22 asks a second): the loop's stop after 10,000
repeats in a row came after 8+ minutes. bo itself no longer fits then (test_bo_exhausted_f3.py), but a user's
strategy fitting a model per ask still would; a streak of at least 100 repeats that has lasted the loop's
``max_streak_seconds`` (60 by default) now stops the search too.
"""
from __future__ import annotations

import time

import numpy as np

from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.store import RunStore
from nasloop.engine.types import Arch, Observation
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.base import Strategy


class SlowBest(Strategy):
    """Fits a least-squares model of its results at every ask (slowed to 20 ms, as a small GP fit takes), then
    proposes its best result again once it holds four: only repeats from then on."""

    def __init__(self, space: NB201Space, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.results: list[tuple[Arch, float]] = []

    def ask(self, n: int) -> list[Arch]:
        if self.results:
            x = self.space.encode_many([a for a, _ in self.results], "onehot").astype(float)
            np.linalg.lstsq(x, np.array([s for _, s in self.results]), rcond=None)
            time.sleep(0.02)
        if len(self.results) < 4:
            return [self.space.sample(self.rng) for _ in range(n)]
        return [max(self.results, key=lambda r: r[1])[0]] * n

    def tell(self, observations: list[Observation]) -> None:
        self.results += [(o.arch, o.score) for o in observations if o.score is not None]


def test_a_slow_strategys_repeat_streak_stops_after_its_seconds(tmp_path, nb201_context):
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        loop = SearchLoop(space, SlowBest(space), TabularEvaluator(space, nb201_context), InProcessExecutor(), store,
                          Budget(queries=10), max_streak_seconds=1.0)
        start = time.monotonic()
        reason = loop.run()
        assert time.monotonic() - start < 30  # 10,000 asks of 20 ms: 200 s
        count = int(reason.split()[3])
        assert 100 <= count < 10_000 and "already-evaluated architectures in a row" in reason
        assert store.counts()["evaluations"] == 4


def test_a_streak_shorter_than_its_seconds_still_runs_to_its_count(tmp_path, nb201_context):
    space = NB201Space()
    strategy = SlowBest(space)
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        reason = SearchLoop(space, strategy, TabularEvaluator(space, nb201_context), InProcessExecutor(), store,
                            Budget(queries=10), max_duplicate_streak=150, max_streak_seconds=600.0).run()
        assert "proposed 150 already-evaluated" in reason
