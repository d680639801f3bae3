"""A Ray search stopped by a SIGTERM to its whole process group (``timeout``, ``kill -TERM -PGID``, a scheduler).

Before: the local Ray's own processes (GCS, raylet, autoscaler) were in the search's process group, so the signal
took them down with it, in a race with the search's own stop: the dying autoscaler sent 'The autoscaler failed with
the following error: Terminated with signal 15' and its stack, which the search printed above its own line; a raylet
gone first made the search exit 1 with no line of its own, or stop its start in Ray's native stack dump.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .real_ctrl_c import sigint_as_a_terminal_gives_it

# Says "ready" once the search runs on a started Ray (connected, and the Ray executor's SIGTERM handler in place
# of Ray's), then stops with the group's signal like any command.
READY_ONCE_RAY_RUNS = """
import signal, sys, threading, time
from nasloop.engine import cli
from nasloop.engine.executors.base import _sigterm_as_interrupt

def ray_runs():
    initialized = getattr(sys.modules.get("ray"), "is_initialized", None)  # None while ray is being imported
    return initialized is not None and initialized() and signal.getsignal(signal.SIGTERM) is _sigterm_as_interrupt

def say_ready():
    while not ray_runs():
        time.sleep(0.01)
    print("ready", flush=True)

threading.Thread(target=say_ready, daemon=True).start()
sys.exit(cli.main(sys.argv[1:]))
"""

_RAY_ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "disabled"}


def _own_group_as_a_shell_job() -> None:
    """The child leads its own process group, as a shell's job or ``timeout`` does: the test signals that group."""
    os.setpgrp()
    sigint_as_a_terminal_gives_it()


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Ray's GCS, raylet, autoscaler, ...), through /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(") ", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):  # gone meanwhile
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds Ray's processes through /proc")
def test_a_sigterm_to_the_search_group_stops_it_in_its_own_line_alone(tmp_path, data_dir):
    run = tmp_path / "run"
    argv = ["search", "--budget", "15625", "--executor", "ray", "--workers", "1", "--data-dir", str(data_dir),
            "--run-dir", str(run), "--quiet"]
    proc = subprocess.Popen([sys.executable, "-c", READY_ONCE_RAY_RUNS, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_RAY_ENV, preexec_fn=_own_group_as_a_shell_job)
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        in_group = [pid for pid in _children(proc.pid) if os.getpgid(pid) == proc.pid]
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not in_group  # Ray's processes are out of the group the signal went to
    assert proc.returncode == 130, err
    assert "autoscaler" not in out + err
    assert err.strip() in (f"nasloop search: interrupted; continue with 'nasloop search --resume {run}'",
                           "nasloop search: interrupted; nothing was evaluated yet: run the same command again")
