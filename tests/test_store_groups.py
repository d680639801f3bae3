"""Table lookups are committed in groups: states stay snapshots, readers see a consistent prefix."""
from __future__ import annotations

import json
import sqlite3

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.search import build_plugins, search
from nasloop.engine.store import RunStore

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class SnapshotCheckingStore(RunStore):
    """A real store that also encodes each group member's state at once, to compare at the end."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.snapshots: list[tuple[dict, str]] = []

    def record_evaluated(self, step, trial, strategy_state, repeats=0):
        self.snapshots.append((strategy_state, json.dumps(strategy_state)))
        return super().record_evaluated(step, trial, strategy_state, repeats)


# Each model-guided strategy asks after several model fits, on the least work that does: bo's 8 GP fits after its 6
# random cells (24 fits took 38 s beside other jobs), the forests 30 trees (300 took 21-27 s): a state is a
# snapshot or not whatever the model's size.
@pytest.mark.parametrize("strategy, predictor, options, budget", [
    ("random", None, {}, 30), ("local", None, {}, 30),
    ("evolution", None, {"population_size": 10, "sample_size": 3}, 30),
    ("bo", None, {"num_init": 6, "pool_size": 200}, 14), ("bananas", "forest", {"num_init": 10}, 30),
    ("predictor-topk", "forest", {"num_init": 10}, 30),
])
def test_every_strategy_state_is_a_snapshot_later_asks_leave_alone(tmp_path, data_dir, strategy, predictor,
                                                                   options, budget):
    config = SearchConfig(strategy=strategy, predictor=predictor, strategy_options=options, budget=budget, seed=3,
                          predictor_options={"trees": 30} if predictor else {}, data_dir=str(data_dir),
                          run_dir=str(tmp_path / "run"))
    space, strat, evaluator, executor = build_plugins(config)
    with SnapshotCheckingStore(tmp_path / "store.sqlite", create=True) as store:
        SearchLoop(space, strat, evaluator, executor, store, Budget(queries=budget)).run()
        assert len(store.snapshots) == budget  # every evaluation went through the grouped path
        changed = [i for i, (state, text) in enumerate(store.snapshots) if json.dumps(state) != text]
        assert not changed, f"{strategy}: the states of evaluations {changed} changed after they were recorded"


def test_an_open_group_is_invisible_to_readers_and_committed_whole_at_close(tmp_path, data_dir):
    run_dir = tmp_path / "run"
    config = SearchConfig(strategy="evolution", budget=20, seed=1, data_dir=str(data_dir), run_dir=str(run_dir))
    space, strat, evaluator, executor = build_plugins(config)
    path = tmp_path / "store.sqlite"
    with RunStore(path, create=True) as store:
        SearchLoop(space, strat, evaluator, executor, store, Budget(queries=20)).run()
        with sqlite3.connect(path) as reader:  # what a reader (nasloop show) sees before the group commits
            seen = reader.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
            saved = reader.execute("SELECT state FROM strategy_state").fetchone()
        # Nothing, or (if the machine stalled past a group's lifetime) a prefix with its own state.
        assert seen == len(json.loads(saved[0])["population"]) if saved else seen == 0
    with RunStore(path) as store:
        assert len(store.evaluations()) == 20 and all(t.told for t in store.evaluations())
        step, state = store.strategy_state()
        assert len(state["population"]) == 20
    straight = search(SearchConfig(strategy="evolution", budget=20, seed=1, data_dir=str(data_dir),
                                   run_dir=str(tmp_path / "straight")))
    with RunStore.in_run_dir(straight["run_dir"]) as other, RunStore(path) as store:
        assert [t.arch for t in other.evaluations()] == [t.arch for t in store.evaluations()]
