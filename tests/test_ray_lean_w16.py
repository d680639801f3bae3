"""Two overlapping local ``ray.init`` calls of nasloop's (searches started from two threads of one script) leave
Ray's own ``RayParams`` and ``start_api_server`` in place once both are done, and each runs lean while it runs.

Before: the second saved the first's replacements as Ray's own and put them back last, so every later ``ray.init``
of the process, a user's own Ray with its dashboard included, started no autoscaler monitor and no dashboard API
server; and the first, leaving, put Ray's own back under the second, still starting.
"""
from __future__ import annotations

import pytest

ray_private = pytest.importorskip("ray._private")

from ray._private import parameter, services  # noqa: E402

from nasloop.engine.executors.ray_lean import unused_head_processes_left_out  # noqa: E402

LOCAL = {"num_cpus": 1, "include_dashboard": False}  # a local Ray as nasloop starts one (no address)


def test_overlapping_starts_leave_rays_own_objects_and_each_runs_lean(monkeypatch) -> None:
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    own_params, own_api_server = parameter.RayParams, services.start_api_server
    first, second = unused_head_processes_left_out(LOCAL), unused_head_processes_left_out(LOCAL)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    try:
        assert parameter.RayParams().no_monitor  # the second still starting: no monitor for its Ray
        assert services.start_api_server is not own_api_server
    finally:
        second.__exit__(None, None, None)
    assert parameter.RayParams is own_params  # a later ray.init of the process starts what Ray starts
    assert services.start_api_server is own_api_server
    assert not parameter.RayParams().no_monitor


def test_a_start_that_raises_gives_rays_own_objects_back(monkeypatch) -> None:
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    own_params, own_api_server = parameter.RayParams, services.start_api_server
    with pytest.raises(RuntimeError, match="failed to start"):
        with unused_head_processes_left_out(LOCAL):
            raise RuntimeError("failed to start")
    assert (parameter.RayParams, services.start_api_server) == (own_params, own_api_server)
