"""A local Ray that nasloop starts leaves out the processes of Ray's it never uses (engine/executors/ray_lean.py and
ray_setup's ``RAY_prestart_worker_first_driver``).

Before: each local Ray also started the autoscaler's monitor, the dashboard's API server (which, the dashboard left
out and usage statistics off, ran nothing), and an idle worker for each CPU that no actor took: about half a second of
a core each, for every search, study and test that started a local Ray. What nasloop relies on is still started: the
GCS, raylet, its agents, the log monitor that brings the workers' output to the command's terminal, and a worker for
each actor made.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Ray's processes read through psutil")

DRIVER = """
import json, os
import psutil
from nasloop.engine.executors.ray_setup import import_ray, init_ray, shutdown_ray


class Trial:
    def pid(self):
        return os.getpid()


ray = import_ray(local=True)
init_ray(ray, num_cpus=2, include_dashboard=False, logging_level="ERROR")
try:
    actor = ray.remote(num_cpus=1)(Trial).remote()  # one actor on a Ray of two CPUs
    actor_pid = ray.get(actor.pid.remote())
    print(json.dumps({"actor": actor_pid, "processes": [
        {"pid": p.pid, "cmdline": " ".join(p.cmdline())} for p in psutil.Process().children(recursive=True)]}))
finally:
    shutdown_ray(ray)
"""
_AGENTS = ("ray::DashboardAgent", "ray::RuntimeEnvAgent")


@pytest.fixture(scope="module")
def started() -> dict:
    """The processes a local Ray of nasloop's had running once its one actor answered (a process of its own, so the
    Ray and its settings are this test's alone)."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    env.pop("RAY_USAGE_STATS_ENABLED", None)  # nasloop's own default: off
    env.pop("RAY_prestart_worker_first_driver", None)
    done = subprocess.run([sys.executable, "-c", DRIVER], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _named(started: dict, part: str) -> list[int]:
    return [p["pid"] for p in started["processes"] if part in p["cmdline"]]


def _is_worker(cmdline: str) -> bool:
    """A worker process: named for what it runs (``ray::IDLE``, ``ray::Trial``), or not yet (Python running Ray's
    ``default_worker.py``, which the raylet's own command line names too)."""
    if cmdline.startswith("ray::"):
        return not cmdline.startswith(_AGENTS)
    words = cmdline.split()
    return len(words) > 1 and words[1].endswith("default_worker.py")


def test_no_autoscaler_monitor_and_no_dashboard_api_server(started) -> None:
    assert _named(started, "autoscaler/_private/monitor.py") == []
    assert _named(started, "dashboard/dashboard.py") == []


def test_what_nasloop_relies_on_is_still_started(started) -> None:
    for part in ("gcs_server", "raylet", "log_monitor.py", *_AGENTS):
        assert _named(started, part), f"no {part} among {started['processes']}"


def test_a_worker_for_the_actor_and_no_idle_one(started) -> None:
    workers = [p["pid"] for p in started["processes"] if _is_worker(p["cmdline"])]
    assert workers == [started["actor"]], started["processes"]
