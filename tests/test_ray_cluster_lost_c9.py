"""A search on a Ray cluster joined by ``--ray-address`` whose cluster is killed while trials run (``ray stop
--force`` on its head: every Ray process SIGKILLed) ends in seconds, in one line naming the lost cluster and the
resume, and stores the run interrupted with that cause; the resume then finishes it. A study's runs sent to such a
cluster (``compare --executor ray --ray-address``) end the same way, and the same compare continues them.

Before: the trials' actors died, the replacement actor waited for the cluster's GCS, and 60 s later Ray ended the
process from native code ('Failed to connect to GCS within 60 seconds ... The program will terminate', exit 1): no
line of nasloop's, and the run shown 'stopped: no process is searching it'. The cluster is the test's own, killed by
its process group (``ray stop`` would stop every Ray on the machine).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from nasloop.engine.store import RunStore

SLOW_PLUGIN = """
import time
from pathlib import Path

from digit_space import DigitSpace, DigitSum
from nasloop.engine.registry import register_evaluator, register_search_space


@register_search_space("c9r-digits")
class Digits(DigitSpace):
    name = "c9r-digits"


@register_evaluator("c9r-slow")
class Slow(DigitSum):
    def evaluate(self, arch, fidelity=None):
        time.sleep(float(Path(SECONDS).read_text()))  # the file's, as Ray's workers get neither cwd nor env
        return super().evaluate(arch, fidelity)
"""
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
LOST_AFTER = {"NASLOOP_RAY_LOST_AFTER_S": "1"}
"""How long a command here waits for its silent cluster before it counts as lost: 1 s, not the 5 s a user gets, as
the one silence these tests make is the cluster's kill. The watch is the same, and its line names the second
(test_ray_lost_flush_d17 tests the setting)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_cluster(port: int, temp: str, **own: str) -> subprocess.Popen:
    """``ray start --head`` of two CPUs on loopback in a session of its own (its processes share its group), its
    environment this one's with ``own``'s variables, without ``$NASLOOP_DATA`` unless ``own`` gives one."""
    env = {name: value for name, value in os.environ.items() if name != "NASLOOP_DATA"}
    env.update(RAY_ENV, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", **own)
    cmd = [str(Path(sys.executable).with_name("ray")), "start", "--head", "--node-ip-address=127.0.0.1",
           f"--port={port}", "--num-cpus=2", "--include-dashboard=false", "--object-store-memory=100000000",
           f"--temp-dir={temp}", f"--ray-client-server-port={_free_port()}",
           f"--dashboard-agent-listen-port={_free_port()}", "--disable-usage-stats"]
    start = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    out, _ = start.communicate(timeout=90)
    assert start.returncode == 0, out
    return start


@contextmanager
def own_cluster(**own: str) -> Iterator[tuple[int, int]]:
    """A cluster of :func:`_start_cluster`'s in a temporary folder, for the ``with`` block; yields its port and its
    process group, by which it is killed at the end (its processes, never Ray's by name: other Rays are not ours)."""
    port, temp = _free_port(), tempfile.mkdtemp(prefix="/tmp/rc9-")  # Ray's socket paths must stay short
    cluster = None
    try:
        cluster = _start_cluster(port, temp, **own)
        yield port, cluster.pid
    finally:
        if cluster is not None:
            try:
                os.killpg(cluster.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(temp, ignore_errors=True)


def _evaluations(run: Path) -> int:
    try:
        with sqlite3.connect(f"file:{run / 'nasloop.sqlite'}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM trials WHERE state = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with the slow evaluator's plugin, and the file saying its seconds an evaluation (1)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    seconds = project / "seconds"
    seconds.write_text("1")
    (project / "slow.py").write_text(f"SECONDS = {str(seconds)!r}\n{SLOW_PLUGIN}")
    return project, seconds


def _killed_under(command: list[str], project: Path, runs: str) -> tuple[int, str, int]:
    """Run ``command`` on a cluster of its own (at ``--ray-address``, appended), kill the cluster once a run folder
    matching ``runs`` holds two evaluations, and return the command's exit status, its stderr and the port. The time
    it takes to end is not asserted (no timed assertions): nasloop's line and exit status 2 are only reached through
    its own watch of the cluster, where Ray's end is its own line and status 1."""
    with own_cluster() as (port, group):
        proc = subprocess.Popen([*command, "--ray-address", f"127.0.0.1:{port}"], cwd=project, env=_env(LOST_AFTER),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while max(map(_evaluations, project.glob(runs)), default=0) < 2 and proc.poll() is None and \
                time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()[1]
        os.killpg(group, signal.SIGKILL)  # as 'ray stop --force' kills every Ray process on the head
        _, errors = proc.communicate(timeout=120)
        return proc.returncode, errors, port

def _env(own: dict[str, str] | None = None) -> dict[str, str]:
    """This environment for a command joining a cluster of :func:`_start_cluster`'s, with ``own``'s variables."""
    env = {name: value for name, value in os.environ.items() if name != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    return {**env, **RAY_ENV, **(own or {})}


def test_a_search_whose_joined_cluster_is_killed_ends_in_seconds_and_resumes(tmp_path):
    project, seconds = _project(tmp_path)
    search = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", "slow.py", "search", "--space", "c9r-digits",
              "--evaluator", "c9r-slow", "--strategy", "random", "--budget", "30", "--run-dir", "run", "--quiet"]
    status, errors, port = _killed_under([*search, "--executor", "ray"], project, "run")
    assert status == 2, errors
    lines = errors.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"nasloop search: error: the Ray cluster at 127.0.0.1:{port} is gone (nothing has answered at "
        f"127.0.0.1:{port} for 1 s: stopped by 'ray stop', or its head node lost)"), errors
    assert lines[0].endswith("; once it runs again, continue with 'nasloop search --resume run'")
    with RunStore.in_run_dir(project / "run", readonly=True) as store:
        assert store.get_meta("status") == "interrupted"
        assert store.get_meta("stop_reason").startswith(f"the Ray cluster at 127.0.0.1:{port} is gone")
        before = store.counts()["evaluations"] - store.counts()["pending"]
    assert 2 <= before < 30
    seconds.write_text("0")
    resumed = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "--plugin", "slow.py", "search", "--resume",
                              "run", "--executor", "inprocess", "--quiet"], cwd=project, env=_env(),
                             capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert _evaluations(project / "run") == 30


def test_a_study_whose_joined_cluster_is_killed_ends_in_seconds_and_continues(tmp_path):
    """Its runs' tasks died with the cluster, and the study was left to Ray's native end 60 s later."""
    project, seconds = _project(tmp_path)
    compare = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", "slow.py", "compare", "--space", "c9r-digits",
               "--evaluator", "c9r-slow", "--methods", "random", "--seeds", "3", "--budget", "10", "--out", "study",
               "--quiet"]
    status, errors, port = _killed_under([*compare, "--executor", "ray"], project, "study/runs/random/seed-*")
    assert status == 2, errors
    assert errors.splitlines() == [
        f"nasloop compare: error: the Ray cluster at 127.0.0.1:{port} is gone (nothing has answered at "
        f"127.0.0.1:{port} for 1 s: stopped by 'ray stop', or its head node lost); 3 runs had not finished (the same "
        "compare resumes them); once it runs again, what finished is kept in study: run the same command to "
        "continue"]
    seconds.write_text("0")
    again = subprocess.run(compare, cwd=project, env=_env(), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    runs = project / "study" / "runs" / "random"
    assert [_evaluations(runs / f"seed-{seed}") for seed in range(3)] == [10] * 3
