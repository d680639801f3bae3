"""A Ray search stopped while Ray itself starts.

Before: Ray installs its own SIGTERM handler for the seconds ``ray.init`` takes, which calls ``sys.exit(15)``, so a
search stopped then (``timeout``, a scheduler's preemption) ended in "error: unexpected SystemExit in ...
(sigterm_handler) ...; the traceback is in FILE" (exit 2) instead of stopping as Ctrl-C does.
"""
from __future__ import annotations

import os
import subprocess
import sys

# SIGTERM as soon as Ray's start-up handler is in place, i.e. while ray.init runs: no timing to guess.
SIGTERM_IN_RAY_INIT = """
import os, signal, sys, threading, time
from nasloop.engine import cli

def term_once_ray_starts():
    while getattr(signal.getsignal(signal.SIGTERM), "__qualname__", "") != "init.<locals>.sigterm_handler":
        time.sleep(0.001)
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=term_once_ray_starts, daemon=True).start()
sys.exit(cli.main(sys.argv[1:]))
"""


_RAY_ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "disabled"}


def _search(data_dir, run) -> list[str]:
    """A small Ray search's arguments."""
    return ["search", "--strategy", "random", "--budget", "5", "--executor", "ray", "--workers", "1",
            "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]


def test_sigterm_while_ray_starts_stops_the_search_as_an_interrupt(tmp_path, data_dir):
    run = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-c", SIGTERM_IN_RAY_INIT, *_search(data_dir, run)],
                          capture_output=True, text=True, timeout=120, env=_RAY_ENV)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "nasloop search: interrupted; nothing was evaluated yet: run the same command again"


# Ctrl-C landing where Python drops what a handler raises (a gc callback here; a finalizer in the walk that found
# it: "Exception ignored in: <function _releaseLock ...> KeyboardInterrupt"), once Ray's start is under way.
CTRL_C_DROPPED_IN_RAY_INIT = """
import gc, signal, sys
from nasloop.engine import cli

def ctrl_c_in_gc(phase, info):
    if getattr(signal.getsignal(signal.SIGTERM), "__qualname__", "") == "init.<locals>.sigterm_handler":
        gc.callbacks.remove(ctrl_c_in_gc)
        signal.raise_signal(signal.SIGINT)

gc.callbacks.append(ctrl_c_in_gc)
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_ctrl_c_python_drops_while_ray_starts_still_stops_the_search(tmp_path, data_dir):
    # Before: the search ran all its evaluations and finished (exit 0), the user's Ctrl-C ignored.
    run = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-c", CTRL_C_DROPPED_IN_RAY_INIT, *_search(data_dir, run)],
                          capture_output=True, text=True, timeout=120, env=_RAY_ENV)
    assert proc.returncode == 130, proc.stderr
    assert "Exception ignored" in proc.stderr  # the Ctrl-C did land where Python drops it
    assert proc.stderr.strip().endswith("nasloop search: interrupted; nothing was evaluated yet: run the same "
                                        "command again")
