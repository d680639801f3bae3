"""A Ray search killed outright (``kill -9``, an OOM kill) leaves none of its local Ray's processes behind.

Before: the kernel ended the GCS and raylet with the search, but the raylet's dashboard and runtime-env agents ran on
for 61-71 s (measured here), spending Ray's 60 s timeout reporting the raylet's death to the dead GCS.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watcher is Linux's (a pidfd)")

# A driver that starts the watcher, forks a process leading its own group as a local Ray's start does (reported
# from the fork, as ray_setup's hook does), prints its pid, and then either waits to be killed or says Ray stopped.
DRIVER = """
import os, sys, time
from nasloop.engine.executors import ray_reaper

ray_reaper.watch_local_ray()
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    if sys.argv[1] != "reused":
        ray_reaper.report_started()
    os.execvp("sleep", ["sleep", "60"])
if sys.argv[1] == "reused":  # the group's number as the watcher would hold it after another process had taken it
    os.write(ray_reaper._watcher.stdin.fileno(), b"%d %d\\n" % (pid, 1))
print(pid, flush=True)
if sys.argv[1] == "stop":
    ray_reaper.ray_stopped()
    print("stopped", flush=True)
time.sleep(60)
"""


def _driver(mode: str) -> tuple[subprocess.Popen, psutil.Process]:
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, mode], stdout=subprocess.PIPE, text=True)
    return proc, psutil.Process(int(proc.stdout.readline()))


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _name(process: psutil.Process) -> str:
    try:
        return process.name()
    except psutil.NoSuchProcess:
        return "(gone)"


def _is_worker(process: psutil.Process) -> bool:
    """A Ray worker, whether still starting (its command line) or started (its title, ``ray::IDLE`` and the like)."""
    try:
        return any(part.endswith("default_worker.py") for part in process.cmdline()) or process.name() == "ray::IDLE"
    except psutil.Error:
        return False


def _gone_within(processes: list[psutil.Process], seconds: float) -> list[psutil.Process]:
    """Those of ``processes`` still running (not zombies) after ``seconds`` at most."""
    deadline = time.monotonic() + seconds
    alive = processes
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if _alive(p)]
    return alive


def test_the_groups_forked_for_ray_die_with_a_killed_driver():
    proc, forked = _driver("wait")
    try:
        proc.kill()
        proc.wait()
        assert not _gone_within([forked], 5)
    finally:
        if _alive(forked):
            forked.kill()
        proc.stdout.close()


def test_a_driver_that_stopped_ray_in_order_leaves_the_groups_alone():
    proc, forked = _driver("stop")
    try:
        assert proc.stdout.readline().strip() == "stopped"
        proc.kill()
        proc.wait()
        assert _gone_within([forked], 0.5) == [forked]  # the ids it had may name other groups by now
    finally:
        forked.kill()
        proc.stdout.close()


def test_a_group_whose_number_another_process_took_is_left_alone():
    """The watcher holds each group with its leader's start time: a number freed and taken by another process's group
    (whose leader started at another time) is not killed with the driver."""
    proc, forked = _driver("reused")
    try:
        proc.kill()
        proc.wait()
        assert _gone_within([forked], 1) == [forked]
    finally:
        forked.kill()
        proc.stdout.close()


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds Ray's processes through /proc")
def test_a_killed_ray_search_leaves_no_ray_agents(tmp_path, data_dir):
    """The real search, its Ray's agents and workers up (children of the raylet), then SIGKILL: all of Ray is gone in
    seconds. Workers in process groups of their own (Ray's default) outlived the kill by up to 30 s."""
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_AUTH_MODE": "disabled"}
    argv = ["search", "--budget", "15625", "--executor", "ray", "--workers", "1", "--data-dir", str(data_dir),
            "--run-dir", str(tmp_path / "run"), "--quiet", "--executor-opt", f"object_store_memory={100 * 2**20}"]
    proc = subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", *argv], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            started = psutil.Process(proc.pid).children(recursive=True)
            agents = sum(_name(p).startswith("ray::") and "Agent" in _name(p) for p in started)
            if agents >= 2 and any(_is_worker(p) for p in started):
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"the raylet's agents and workers did not start: {[_name(p) for p in started]}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = _gone_within(started, 10)
        assert not left, [_name(p) for p in left]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for process in started:
            if _alive(process):
                process.kill()
