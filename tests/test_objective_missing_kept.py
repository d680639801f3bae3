"""A result that lacks the run's objective, from an evaluator that does not list its metrics, stops the run, and is
kept: it was dropped (left pending), so a resume trained that architecture again, hours on a real dataset."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import NasloopError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.engine.types import Result


def test_the_result_that_lacks_the_objective_is_stored(tmp_path):
    def evaluate(self, arch, fidelity=None):
        return Result({"acc": float(sum(arch))}, cost=12.5)

    register_evaluator("unlisted-kept")(type("UnlistedKept", (Evaluator,), {"evaluate": evaluate,
                                                                            "__module__": __name__}))
    run_dir = tmp_path / "run"
    with pytest.raises(NasloopError, match="reports no 'val_accuracy' metric in its first result"):
        search(SearchConfig(space="nb201", evaluator="unlisted-kept", budget=3, run_dir=str(run_dir)))
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        trials = store.trials()
        counts = store.counts()
    assert len(trials) == 1 and counts["pending"] == 0 and counts["failed"] == 1
    kept = trials[0].result
    assert not kept.ok and "reports no 'val_accuracy' metric" in kept.reason
    assert kept.cost == 12.5 and set(kept.metrics) == {"acc"}
