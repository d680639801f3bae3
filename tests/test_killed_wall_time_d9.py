"""A search killed with SIGKILL during a trial: ``show`` gave its wall time only up to the last state the store
saved (0.00 s for a run killed in its first training, however long that had run). The session's heartbeat records
the time every few seconds, so ``show`` says the wall time is at least that, that the search was killed, and during
which trial; a resume counts it."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any


PLUGIN = '''
import time
from pathlib import Path

from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator
from nasloop.engine.types import Result

HOLD = Path(__file__).with_name("hold")


@register_evaluator("d9-held")
class Held(Evaluator):
    """Scores a cell 1 once the file 'hold' beside this plugin is gone: a trial as long as the test wants."""

    def evaluate(self, arch, fidelity=None):
        while HOLD.exists():
            time.sleep(0.05)
        return Result(metrics={"val_accuracy": 1.0}, cost=1.0)

    def metric_names(self, fidelity=None):
        return ["val_accuracy"]
'''


def _nasloop(plugin: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "nasloop.engine.cli", "--plugin", str(plugin), *args]


def _pending(store: Path) -> bool:
    """Whether the search has begun its first trial (False before the store exists)."""
    if not store.exists():
        return False
    with sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True) as db:
        try:
            row = db.execute("SELECT 1 FROM trials WHERE state = 'pending'").fetchone()
        except sqlite3.OperationalError:  # not yet made
            row = None
    db.close()
    return row is not None


def wait_for_its_first_trial(search: subprocess.Popen, run: Path) -> None:
    """Return once the search at ``run`` has begun its first trial; fail if it ends first or takes 120 s."""
    deadline = time.monotonic() + 120
    while not _pending(run / "nasloop.sqlite"):
        assert search.poll() is None, search.stderr.read()
        assert time.monotonic() < deadline, "no trial began within 120 s"
        time.sleep(0.2)


def _beat_in_the_trial(store: Path) -> dict[str, Any] | None:
    """The session's heartbeat once it counts more wall time than the store's last saved state, with a trial
    pending (so written during that trial, which saved nothing since); None before then."""
    if not store.exists():
        return None
    with contextlib.closing(sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True)) as db:
        try:  # one read of both: the state saved with the trial's ask, and the latest beat
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('heartbeat', 'wall_seconds')"))
            pending = db.execute("SELECT 1 FROM trials WHERE state = 'pending'").fetchone()
        except sqlite3.OperationalError:  # not yet made, or busy with the session's write
            return None
    beat, saved = json.loads(meta.get("heartbeat", "null")), json.loads(meta.get("wall_seconds", "null")) or 0.0
    return beat if pending and beat and beat["wall_seconds"] > saved else None


def wait_for_a_beat_in_its_trial(search: subprocess.Popen, run: Path) -> dict[str, Any]:
    """The first heartbeat the search at ``run`` writes during a trial, past its last saved wall time (beats come
    every 5 s: this waits for one, not for a fixed time that must outlast one); fail if it ends first or takes
    120 s."""
    deadline = time.monotonic() + 120
    while (beat := _beat_in_the_trial(run / "nasloop.sqlite")) is None:
        assert search.poll() is None, search.stderr.read()
        assert time.monotonic() < deadline, "no heartbeat during a trial within 120 s"
        time.sleep(0.1)
    return beat


def test_show_of_a_run_killed_mid_trial_gives_its_wall_time_as_at_least_the_last_heartbeat(tmp_path: Path,
                                                                                        data_dir: Path) -> None:
    plugin, run = tmp_path / "held.py", tmp_path / "run"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (tmp_path / "hold").touch()
    with subprocess.Popen(_nasloop(plugin, "search", "--space", "nb201", "--evaluator", "d9-held", "--strategy",
                                   "random", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                                   "--quiet"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as search:
        wait_for_its_first_trial(search, run)
        beat = wait_for_a_beat_in_its_trial(search, run)
        os.kill(search.pid, signal.SIGKILL)  # in its first trial, which waits on the hold file
        assert search.wait() == -signal.SIGKILL

    shown = subprocess.run(_nasloop(plugin, "show", str(run), "--json"), capture_output=True, text=True, check=True)
    summary = json.loads(shown.stdout)
    # at least the beat's (show gives ms), which is past the time saved with the trial's ask (all show gave before)
    assert summary["wall_seconds"] >= round(beat["wall_seconds"], 3) and summary["killed"]["trials"] == [1]
    table = subprocess.run(_nasloop(plugin, "show", str(run)), capture_output=True, text=True, check=True).stdout
    words = " ".join(" ".join(line.strip("│ ") for line in table.splitlines()).split())
    assert f"at least {summary['wall_seconds']:.2f} s: its search was killed during trial 1, last alive at" in words

    (tmp_path / "hold").unlink()
    resumed = subprocess.run(_nasloop(plugin, "search", "--resume", str(run), "--json", "--quiet"),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    after = json.loads(resumed.stdout)
    assert after["status"] == "finished" and after["killed"] is None
    assert after["wall_seconds"] >= summary["wall_seconds"]  # the killed session's time is counted, not lost
    with sqlite3.connect(f"{(run / 'nasloop.sqlite').as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'heartbeat'").fetchone() == ("null",)  # ended: none
    db.close()
