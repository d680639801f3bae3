"""NB201 behaviour is unchanged by the plugin shape: the same seed gives the same search as before.

``tests/data/nb201_trajectories.json`` holds the evaluated architectures, in order, of searches
recorded with nasloop as it was before benchmarks, run contexts and space options existed
(commit 8ce2a16), run from a pristine checkout of that commit with seed 3 on the shipped NB201
table. Each is replayed here through today's API and must match step for step. (The
``predictor-topk`` + EmProx search states ``warmup: null`` since that strategy's default became
the zero-cost warm-up; it was recorded with a random start; it also states EmProx's defaults of
then, ``k: 10`` and ``finetune_weight: 0.8``; the evolution searches state ``dedup: false`` since
evolution's default became to drop children the search already proposed.)
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.engine.store import RunStore

RECORDED = json.loads((Path(__file__).parent / "data" / "nb201_trajectories.json").read_text())


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_recorded_nb201_search_is_replayed_exactly(name, data_dir, tmp_path):
    recorded = RECORDED[name]
    summary = search(SearchConfig(space="nb201", seed=3, data_dir=str(data_dir), run_dir=str(tmp_path / "run"),
                                  **recorded["config"]))
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        archs = [trial.arch for trial in store.evaluations()]
    assert archs == recorded["archs"]
