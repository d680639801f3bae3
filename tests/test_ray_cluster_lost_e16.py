"""A search whose joined cluster dies ends in nasloop's line, not in Ray's native abort (exit 1 in 'Failed to connect
to GCS within 60 seconds', nothing said and nothing stored), where the cluster's GCS lingers past the rest of it.

Ray ends a driver 60 s after its GCS has gone, so nothing nasloop waits for on a lost cluster may wait on that GCS. A
killed GCS can outlive its SIGKILL for a while (stuck in a disk write, or not yet torn down on a loaded machine), its
port still accepting, while its raylet and workers are gone. The search replaced its dead workers then, the watch's
probe passing, and Ray registers a new actor with the GCS in the background; once the cluster counted as lost,
closing the executor killed that actor, and ``ray.kill`` waits for the registration the dead GCS never answered. The
GCS is held stopped (SIGSTOP) here while the rest of the cluster is killed, and killed once a worker is replaced.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from nasloop.engine.store import RunStore

from .test_ray_cluster_lost_c9 import LOST_AFTER, _env, _evaluations, _free_port, _project, _start_cluster

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds the cluster's processes in /proc")

_MARK = "NASLOOP_E16_CLUSTER"
"""A variable in the cluster's environment, which its processes inherit: how the test tells its own from others'."""


def _cluster_processes(temp: Path) -> dict[int, tuple[int, str]]:
    """The live processes of the cluster started in ``temp``: pid → (process group, command line)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
            if fields[0] != "Z" and f"{_MARK}={temp}\0".encode() in (stat.parent / "environ").read_bytes():
                found[int(stat.parent.name)] = (int(fields[2]), (stat.parent / "cmdline").read_text())
        except (OSError, IndexError, ValueError):  # gone meanwhile
            pass
    return found


@contextmanager
def _cluster() -> Iterator[tuple[int, int, Path]]:
    """A cluster of :func:`_start_cluster`'s for the block: its port, process group and temp folder. Every process
    of it is killed after, its workers too (a worker is in a process group of its own)."""
    port, temp, group = _free_port(), Path(tempfile.mkdtemp(prefix="/tmp/re16-")), None  # short socket paths
    try:
        group = _start_cluster(port, str(temp), **{_MARK: str(temp)}).pid
        yield port, group, temp
    finally:
        for pid in _cluster_processes(temp):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(temp, ignore_errors=True)


def _search(port: int, project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", "--plugin", "slow.py", "search", "--space",
                             "c9r-digits", "--evaluator", "c9r-slow", "--strategy", "random", "--budget", "30",
                             "--run-dir", "run", "--quiet", "--executor", "ray", "--ray-address", f"127.0.0.1:{port}"],
                            cwd=project, env=_env(LOST_AFTER), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def _under_way(proc: subprocess.Popen, runs: list[Path]) -> None:
    """Wait until one of ``runs`` holds two evaluations (the cluster's workers are up and running trials)."""
    deadline = time.monotonic() + 120  # a command that never gets going fails below, not by waiting here
    while max(map(_evaluations, runs)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()[1]


def _actors_created(temp: Path, driver: int) -> int:
    """How many actors the driver ``driver`` has created, as its core worker's log (in the cluster's session) says:
    one 'Set actor max pending calls' line each, written as the driver submits the actor, before the GCS answers."""
    logs = temp.glob(f"session_*/logs/python-core-driver-*_{driver}.log")
    return sum(path.read_text(errors="replace").count("Set actor max pending calls") for path in logs)


def _ended(proc: subprocess.Popen) -> tuple[int, str]:
    _, errors = proc.communicate(timeout=180)
    return proc.returncode, errors


def test_a_worker_replaced_as_the_cluster_dies_leaves_the_search_its_own_line(tmp_path):
    project, _ = _project(tmp_path)
    with _cluster() as (port, group, temp):
        proc = _search(port, project)
        try:
            _under_way(proc, [project / "run"])
            members = {pid: command for pid, (pgid, command) in _cluster_processes(temp).items() if pgid == group}
            gcs = [pid for pid, command in members.items() if "gcs_server" in command]
            assert len(gcs) == 1, members
            created = _actors_created(temp, proc.pid)
            os.kill(gcs[0], signal.SIGSTOP)  # its port still accepts: the watch's probe passes
            for pid in set(members) - set(gcs):
                os.kill(pid, signal.SIGKILL)  # the raylet, and with it the workers
            deadline = time.monotonic() + 120
            while _actors_created(temp, proc.pid) <= created and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _actors_created(temp, proc.pid) > created, "the search replaced no worker"
            os.kill(gcs[0], signal.SIGKILL)
            status, errors = _ended(proc)
        finally:
            if proc.poll() is None:  # a step above failed: not left running
                proc.kill()
                proc.communicate()
    assert status == 2, errors  # before: 1, Ray's 'Failed to connect to GCS within 60 seconds'
    lines = errors.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"nasloop search: error: the Ray cluster at 127.0.0.1:{port} is "
                                                   "gone"), errors
    with RunStore.in_run_dir(project / "run", readonly=True) as store:
        assert store.get_meta("status") == "interrupted"  # before: 'running', shown stopped with no cause
