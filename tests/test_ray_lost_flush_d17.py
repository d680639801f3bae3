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
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from nasloop.engine.errors import ConfigError, ExecutorLost
from nasloop.engine.executors.ray_cluster_watch import (LOST_AFTER_VARIABLE, SHUTDOWN_FLUSH_VARIABLE, ClusterWatch,
                                                        lost_after_s)

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


def _closed_port() -> int:
    """A loopback port nothing listens on: the GCS of a cluster that has gone."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_seconds_a_joined_cluster_may_go_unanswered_are_a_setting(monkeypatch):
    """``$NASLOOP_RAY_LOST_AFTER_S``: the tests of lost clusters wait a second for theirs, not 5."""
    monkeypatch.setenv(LOST_AFTER_VARIABLE, "0.5")
    address = f"127.0.0.1:{_closed_port()}"
    with pytest.raises(ExecutorLost) as lost:
        ClusterWatch(address, address, lost_after_s()).check(2)
    assert str(lost.value) == (f"the Ray cluster at {address} is gone (nothing has answered at {address} for 0.5 s: "
                               "stopped by 'ray stop', or its head node lost); 2 trials had not finished (the resume "
                               "runs them again)")
    monkeypatch.delenv(LOST_AFTER_VARIABLE)
    assert lost_after_s() == 5


REFUSAL = ("${} is '{}', not a number of seconds above 0; set it to one (the seconds a joined Ray cluster may go "
           "unanswered), or unset it for 5")


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "2s"])
def test_a_lost_after_setting_of_no_positive_seconds_is_refused(value, monkeypatch):
    monkeypatch.setenv(LOST_AFTER_VARIABLE, value)
    with pytest.raises(ConfigError) as refused:
        lost_after_s()
    assert str(refused.value) == REFUSAL.format(LOST_AFTER_VARIABLE, value)


def test_a_bad_lost_after_setting_is_refused_in_one_line_before_ray_starts(tmp_path, data_dir):
    """Refused before the address is probed (nothing listens at port 1: that would be the line otherwise)."""
    env = {**_env(), LOST_AFTER_VARIABLE: "soon"}
    cmd = [sys.executable, "-m", "nasloop.engine.cli", "search", "--budget", "3", "--executor", "ray",
           "--ray-address", "127.0.0.1:1", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["nasloop search: error: " + REFUSAL.format(LOST_AFTER_VARIABLE, "soon")]
