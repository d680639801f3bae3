"""A Ray search stopped while Ray itself starts.

Before: Ray installs its own SIGTERM handler for the seconds ``ray.init`` takes, which calls ``sys.exit(15)``, so a
search stopped then (``timeout``, a scheduler's preemption) ended in "error: unexpected SystemExit in ...
(sigterm_handler) ...; the traceback is in FILE" (exit 2) instead of stopping as Ctrl-C does.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .real_ctrl_c import sigint_as_a_terminal_gives_it

# SIGTERM as soon as init_ray's handler is in place, i.e. while ray.init runs: no timing to guess.
SIGTERM_IN_RAY_INIT = """
import os, signal, sys, threading, time
from nasloop.engine import cli

def term_once_ray_starts():
    while getattr(signal.getsignal(signal.SIGTERM), "__qualname__", "") != "init_ray.<locals>.hold":
        time.sleep(0.001)
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=term_once_ray_starts, daemon=True).start()
sys.exit(cli.main(sys.argv[1:]))
"""


_RAY_ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "disabled"}


def _search(script: str, data_dir, run) -> subprocess.CompletedProcess:
    """A small Ray search run by ``script`` (which calls the CLI on its arguments) in a child process, its Ctrl-C
    and SIGTERM as a terminal leaves them."""
    argv = ["search", "--strategy", "random", "--budget", "5", "--executor", "ray", "--workers", "1",
            "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]
    return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=120,
                          env=_RAY_ENV, preexec_fn=sigint_as_a_terminal_gives_it)


def test_sigterm_while_ray_starts_stops_the_search_as_an_interrupt(tmp_path, data_dir):
    run = tmp_path / "run"
    proc = _search(SIGTERM_IN_RAY_INIT, data_dir, run)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "nasloop search: interrupted; nothing was evaluated yet: run the same command again"


# init_ray's handler in place makes a collection run, so that the gc callbacks of the two scripts below run
# then and not whenever one happens to fall in ray.init (in the full suite none did, and the search ran to its end).
COLLECT_ONCE_RAY_STARTS = """
import gc, signal
_install = signal.signal

def _collect_soon(signum, handler):
    previous = _install(signum, handler)
    if getattr(handler, "__qualname__", "") == "init_ray.<locals>.hold":
        gc.collect()
    return previous

signal.signal = _collect_soon
"""


# Ctrl-C landing where Python drops what a handler raises (a gc callback here; a finalizer in the walk that found
# it: "Exception ignored in: <function _releaseLock ...> KeyboardInterrupt"), once Ray's start is under way.
CTRL_C_DROPPED_IN_RAY_INIT = COLLECT_ONCE_RAY_STARTS + """
import gc, signal, sys
from nasloop.engine import cli

def ctrl_c_in_gc(phase, info):
    if getattr(signal.getsignal(signal.SIGTERM), "__qualname__", "") == "init_ray.<locals>.hold":
        gc.callbacks.remove(ctrl_c_in_gc)
        signal.raise_signal(signal.SIGINT)

gc.callbacks.append(ctrl_c_in_gc)
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_ctrl_c_python_drops_while_ray_starts_still_stops_the_search(tmp_path, data_dir):
    # Before: the search ran all its evaluations and finished (exit 0), the user's Ctrl-C ignored.
    run = tmp_path / "run"
    proc = _search(CTRL_C_DROPPED_IN_RAY_INIT, data_dir, run)
    assert proc.returncode == 130, proc.stderr
    assert "Exception ignored" not in proc.stderr  # held while Ray starts, not raised: nothing for Python to drop
    assert proc.stderr.strip().endswith("nasloop search: interrupted; nothing was evaluated yet: run the same "
                                        "command again")


# Ctrl-C once the raylet has started its agents, as the driver waits for the raylet to register (Ray's start is not
# over; a profile hook finds that moment). The driver's pid goes to stdout: Ray's session folder ends in it.
CTRL_C_ONCE_THE_AGENTS_RUN = COLLECT_ONCE_RAY_STARTS + """
import gc, glob, os, signal, sys, time
from nasloop.engine import cli

def agents():  # as _agents_of below
    for link in glob.glob("/proc/[0-9]*/fd/*"):
        try:
            target = os.readlink(link)
        except OSError:
            continue
        if f"_{os.getpid()}/logs/" in target and "agent" in target.rsplit("/", 1)[-1]:
            return True
    return False

def ctrl_c_in_the_wait_for_the_raylet(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "get_node" and frame.f_code.co_filename.endswith("services.py"):
        sys.setprofile(None)
        while not agents():
            time.sleep(0.01)
        print(os.getpid(), flush=True)
        signal.raise_signal(signal.SIGINT)

def hook_once_ray_starts(phase, info):  # profiling the whole command made it several times slower
    if getattr(signal.getsignal(signal.SIGTERM), "__qualname__", "") == "init_ray.<locals>.hold":
        gc.callbacks.remove(hook_once_ray_starts)
        sys.setprofile(ctrl_c_in_the_wait_for_the_raylet)

gc.callbacks.append(hook_once_ray_starts)
sys.exit(cli.main(sys.argv[1:]))
"""


def _agents_of(driver: str) -> list[str]:
    """Live processes writing to the logs of the Ray session that the process ``driver`` started (its raylet's
    dashboard and runtime-env agents, once the raylet is gone)."""
    found = set()
    for link in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if f"_{driver}/logs/" in os.readlink(link) and "agent" in os.readlink(link).rsplit("/", 1)[-1]:
                pid = link.parent.parent.name
                if (Path("/proc") / pid / "stat").read_text().split(") ")[-1][0] != "Z":  # a zombie has stopped
                    found.add(pid)
        except OSError:  # gone meanwhile
            pass
    return sorted(found)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds Ray's processes through /proc")
def test_a_ctrl_c_while_ray_starts_leaves_no_ray_process_behind(tmp_path, data_dir):
    # Before: the raylet died with the driver, and its two agents (about 150 MB) ran on, orphaned, for good.
    proc = _search(CTRL_C_ONCE_THE_AGENTS_RUN, data_dir, tmp_path / "run")
    assert proc.returncode == 130, proc.stderr
    driver = proc.stdout.split()[0]
    deadline = time.monotonic() + 30  # a stopped raylet's agents stop in seconds
    while _agents_of(driver) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _agents_of(driver)
    for pid in left:  # not for the next test to meet
        os.kill(int(pid), signal.SIGKILL)
    assert not left


def test_too_small_an_object_store_is_refused_naming_the_option_before_ray_starts(tmp_path, data_dir, capsys):
    # Before: Ray started, then refused in its own words ("cannot start a local Ray: Attempting to cap object store
    # memory usage at 1000 bytes, ..."), naming no option.
    from nasloop.engine import cli

    assert cli.main(["search", "--executor", "ray", "--executor-opt", "object_store_memory=1000", "--budget", "5",
                     "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err.strip() == (
        "nasloop search: error: executor 'ray' option object_store_memory must be at least 78643200 bytes (75 MiB, "
        "Ray's minimum), got 1000")
