"""Ctrl-C pressed twice in a search's trial, the second as the session ends (its heartbeat stopping): the session's
end was cut short, so the run kept no final wall time and its heartbeat, shown as 'its search was killed'. Both are
real SIGINTs to a real search process: the first from this test, the second sent by the process to itself as its
heartbeat's ``stop`` begins (a trace the test's plugin sets; nasloop's own code runs unchanged)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from .real_ctrl_c import sigint_as_a_terminal_gives_it
from .test_killed_wall_time_d9 import wait_for_a_beat_in_its_trial, wait_for_its_first_trial
PLUGIN = '''
import signal
import sys
import time
from pathlib import Path

from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.heartbeat import Heartbeat
from nasloop.engine.registry import register_evaluator
from nasloop.engine.types import Result


def _second_ctrl_c(frame, event, arg):
    """Sends SIGINT as the session's heartbeat begins to stop: the second Ctrl-C."""
    if event == "call" and frame.f_code is Heartbeat.stop.__code__:
        sys.settrace(None)
        signal.raise_signal(signal.SIGINT)


@register_evaluator("h9-held")
class Held(Evaluator):
    """A trial that lasts until the first Ctrl-C, which arms the second."""

    def evaluate(self, arch, fidelity=None):
        try:
            while True:
                time.sleep(0.05)
        except KeyboardInterrupt:
            sys.settrace(_second_ctrl_c)
            raise

    def metric_names(self, fidelity=None):
        return ["val_accuracy"]
'''


def test_a_second_ctrl_c_as_the_session_ends_keeps_its_wall_time_and_clears_its_heartbeat(
        tmp_path: Path, data_dir: Path) -> None:
    plugin, run = tmp_path / "held.py", tmp_path / "run"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    nasloop = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", str(plugin)]
    with subprocess.Popen([*nasloop, "search", "--space", "nb201", "--evaluator", "h9-held", "--strategy", "random",
                           "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          preexec_fn=sigint_as_a_terminal_gives_it) as search:
        wait_for_its_first_trial(search, run)
        beat = wait_for_a_beat_in_its_trial(search, run)  # the first Ctrl-C after a heartbeat, which the end must clear
        os.kill(search.pid, signal.SIGINT)
        err = search.stderr.read()
        assert search.wait() == 130, err
    assert err == f"nasloop search: interrupted; continue with 'nasloop search --resume {run}'\n"
    shown = subprocess.run([*nasloop, "show", str(run), "--json"], capture_output=True, text=True, check=True)
    summary = json.loads(shown.stdout)
    assert summary["killed"] is None and summary["status"] == "interrupted", summary
    assert summary["wall_seconds"] >= round(beat["wall_seconds"], 3), summary  # kept (show gives ms) past the beat
    with contextlib.closing(sqlite3.connect(f"{(run / 'nasloop.sqlite').as_uri()}?mode=ro", uri=True)) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'heartbeat'").fetchone() == ("null",)  # ended: none
