"""The Ray executor starts a worker only for a trial that no worker has coming.

Before: every one of ``--workers`` actors started with the executor, so a budget below ``--workers`` (``--budget 5
--workers 64``: 77 s against 17 s) or a finished run resumed started actors that never ran a trial, and killed them
as they came up (GCS printed 'Failed to kill actor NIL_ID ... Socket closed' errors into the command's output).
"""
from __future__ import annotations

import os

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.executors.ray_setup import import_ray, init_ray, shutdown_ray
from nasloop.engine.search import search


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray of 2 CPUs on loopback, which the searches here join (they do not start their own), started as the
    executor starts one (without the processes of Ray's nasloop does not use: engine/executors/ray_lean.py)."""
    os.environ.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    ray = import_ray(local=True)
    init_ray(ray, num_cpus=2, object_store_memory=256 * 2**20, include_dashboard=False, logging_level="WARNING")
    yield ray
    shutdown_ray(ray)


def test_a_budget_below_the_workers_starts_only_the_workers_it_uses(local_ray, tmp_path, data_dir):
    cpus_free = []  # each worker holds one CPU while it lives

    def on_progress(done, budget, best):
        cpus_free.append(local_ray.available_resources().get("CPU", 0.0))

    summary = search(SearchConfig(strategy="random", budget=1, seed=0, executor="ray", data_dir=str(data_dir),
                                  executor_options={"workers": 2}, run_dir=str(tmp_path / "run")),
                     on_progress=on_progress)
    assert summary["evaluations"] == 1 and summary["failed"] == 0
    assert cpus_free == [1.0]  # one worker ran the one trial; the other CPU was never taken
