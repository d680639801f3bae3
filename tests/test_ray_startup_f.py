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


def test_sigterm_while_ray_starts_stops_the_search_as_an_interrupt(tmp_path, data_dir):
    run = tmp_path / "run"
    cmd = [sys.executable, "-c", SIGTERM_IN_RAY_INIT, "search", "--strategy", "random", "--budget", "5",
           "--executor", "ray", "--workers", "1", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_AUTH_MODE": "disabled"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "nasloop search: interrupted; nothing was evaluated yet: run the same command again"
