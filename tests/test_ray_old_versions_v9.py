"""A local Ray that nasloop starts keeps its workers in the raylet's process group (so they die with a killed search,
test_ray_orphans_e6) without passing Ray a system setting its older releases do not know: given as ray.init's
``_system_config``, ``process_group_cleanup_enabled`` (Ray 2.50 on; setup.cfg takes ray>=2.40) made an older Ray's
GCS stop at 'Received unexpected config parameter', as the installed Ray's does with any name it lacks, and every
local Ray search failed to start."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups read through /proc")

DRIVER = """
import json, os
import psutil
from nasloop.engine.executors.ray_setup import import_ray, init_ray, shutdown_ray

ray = import_ray(local=True)
init_ray(ray, num_cpus=1, include_dashboard=False, logging_level="ERROR")
try:
    node = ray._private.worker._global_node
    raylet = next(p for p in psutil.Process(os.getpid()).children(recursive=True) if p.name() == "raylet")
    worker_group = ray.get(ray.remote(lambda: os.getpgid(0)).remote())
    print(json.dumps({"system_config": node._ray_params._system_config or {},
                      "same_group": worker_group == os.getpgid(raylet.pid)}))
finally:
    shutdown_ray(ray)
"""


def test_a_local_ray_keeps_workers_in_the_raylets_group_with_no_system_setting() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))), os.environ.get("PYTHONPATH")]))}
    env.pop("RAY_process_group_cleanup_enabled", None)
    done = subprocess.run([sys.executable, "-c", DRIVER], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "process_group_cleanup_enabled" not in seen["system_config"]  # unknown to Ray 2.40-2.49's GCS
    assert seen["same_group"]  # the worker goes with the raylet's group when the search is killed outright
