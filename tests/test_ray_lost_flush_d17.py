"""A driver that joined a cluster since gone waits a second, not Ray's 5, in ``ray.shutdown`` for the GCS to take its
last task events: every search and study whose cluster was lost spent those 5 s before its line.

The wait is read from Ray's own log of the driver (its core worker's, in the cluster's session folder), which stamps
both ends of it: 'Shutting down TaskEventBuffer', then, the GCS never answering, 'TaskEventBuffer shutdown timed out'.
It is Ray's timer that is read, never the test's clock: Ray's own bound makes the old wait 5 s at the least.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from nasloop.engine.executors.ray_cluster_watch import SHUTDOWN_FLUSH_VARIABLE

from .test_ray_cluster_lost_c9 import _env
from .test_ray_cluster_lost_e16 import _cluster

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds the cluster's processes in /proc")

DRIVER = """
import os
import sys
from nasloop.engine.executors.ray_setup import import_ray, init_ray, shutdown_ray

ray = import_ray(local=False)
init_ray(ray, address=sys.argv[1], logging_level="WARNING")
print(os.environ.get(sys.argv[2]), flush=True)  # what the join left in the environment
print(ray.get(ray.remote(num_cpus=1)(lambda: "ran").remote()), flush=True)  # a task: events for the GCS
sys.stdin.readline()  # the cluster is gone
shutdown_ray(ray)
print("shut down", flush=True)
"""
STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def _stamped(log: str, words: str) -> datetime:
    """The time Ray stamped on the first line of ``log`` holding ``words``."""
    line = next(line for line in log.splitlines() if words in line)
    return datetime.strptime(STAMP.match(line).group(1), "%Y-%m-%d %H:%M:%S,%f")


def test_a_driver_of_a_lost_cluster_waits_a_second_for_its_task_events(tmp_path):
    env = {name: value for name, value in _env().items() if name != SHUTDOWN_FLUSH_VARIABLE}
    with _cluster() as (port, group, temp):
        driver = subprocess.Popen([sys.executable, "-c", DRIVER, f"127.0.0.1:{port}", SHUTDOWN_FLUSH_VARIABLE], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert driver.stdout.readline() == "None\n", driver.communicate(timeout=120)  # taken out after the join
            assert driver.stdout.readline() == "ran\n", driver.communicate(timeout=120)
            os.killpg(group, signal.SIGKILL)  # the cluster's GCS, raylet and agents
            out, errors = driver.communicate("\n", timeout=120)
        finally:
            if driver.poll() is None:  # a step above failed: not left running
                driver.kill()
                driver.communicate()
        assert driver.returncode == 0 and out == "shut down\n", errors
        log = "".join(path.read_text(errors="replace")
                      for path in temp.glob(f"session_*/logs/python-core-driver-*_{driver.pid}.log"))
    waited = _stamped(log, "TaskEventBuffer shutdown timed out") - _stamped(log, "Shutting down TaskEventBuffer")
    assert waited.total_seconds() < 5, waited  # before: 5.0, Ray's own bound; now 1
