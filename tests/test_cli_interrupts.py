"""A command stopped by Ctrl-C or SIGTERM says in one line how to continue (or that nothing is left to), from
``nasloop``'s real entry point in a process of its own where the signal is the point."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from argparse import Namespace
from pathlib import Path
from typing import Callable

import pytest


def _interrupt_once(args: list[str], cwd: Path, env: dict[str, str], started: Callable[[], bool],
                    sent: int = signal.SIGINT) -> str:
    """Run the command, send Ctrl-C (or ``sent``) once ``started()`` holds, and return its stderr (exit 130 checked)."""
    # a job started in the background (nohup, some CI runners) passes SIGINT on ignored, and Python then keeps it
    # ignored: the Ctrl-C below would never arrive
    proc = subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not started() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the command ended before it could be interrupted"
        proc.send_signal(sent)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "Traceback" not in stderr and len(stderr.splitlines()) == 1, stderr
    return stderr.strip()


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])  # SIGTERM killed it mid-write, status 'running'
def test_an_interrupted_search_names_the_folder_it_chose_to_resume_from(tmp_path, env, sent):
    def stored() -> bool:
        stores = list(tmp_path.glob("runs/*/nasloop.sqlite"))
        if not stores:
            return False
        with sqlite3.connect(stores[0]) as conn:
            return conn.execute("SELECT COUNT(*) FROM trials").fetchone()[0] > 0

    line = _interrupt_once(["search", "--strategy", "evolution", "--budget", "15625", "--quiet"], tmp_path, env,
                           stored, sent)
    (run,) = tmp_path.glob("runs/*")
    assert line == f"nasloop search: interrupted; continue with 'nasloop search --resume runs/{run.name}'"
    with sqlite3.connect(run / "nasloop.sqlite") as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'status'").fetchone()[0] == '"interrupted"'
        reason = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'stop_reason'").fetchone()[0])
    # SIGTERM read "stopped by the user", though a scheduler sends it
    assert reason.startswith("stopped by SIGTERM" if sent == signal.SIGTERM else "stopped by the user"), reason


def test_interrupted_proxy_scoring_says_the_same_command_continues(tmp_path, env):
    out = tmp_path / "scores.csv"
    line = _interrupt_once(["proxies", "--all", "--proxies", "params", "--space-opt", "channels=8", "--out", str(out)],
                           tmp_path, env, lambda: out.is_file() and len(out.read_text().splitlines()) > 3)
    assert line == f"nasloop proxies: interrupted; the scores so far are in {out}: run the same command to continue"


def test_the_continue_hint_names_only_what_was_stored(tmp_path):
    from nasloop.engine.cli_stops import how_to_continue

    run = tmp_path / "run"
    search = Namespace(command="search", resume=None, run_dir=str(run))
    assert how_to_continue(search) == ""  # stopped before the run existed: nothing to resume
    run.mkdir()
    (run / "nasloop.sqlite").write_bytes(b"")
    assert how_to_continue(search) == f"continue with 'nasloop search --resume {run}'"
    assert (run / "nasloop.sqlite").read_bytes() == b""  # reading its status wrote nothing
    assert how_to_continue(Namespace(command="compare", out=tmp_path, force_new=True, predictors=["gp"])) == ""
    study = Namespace(command="compare", out=tmp_path, force_new=True, predictors=None)
    assert how_to_continue(study).endswith("run the same command without --force-new to continue")
    assert how_to_continue(Namespace(command="proxies", out=tmp_path / "none.csv")) == ""


def test_an_interrupt_after_the_run_finished_says_so(tmp_path, data_dir):
    # Ctrl-C while Ray shut down, after the last write, said "continue with --resume", which then
    # answered that the run had finished.
    from nasloop.engine.cli import main
    from nasloop.engine.cli_stops import how_to_continue

    run = tmp_path / "run"
    assert main(["search", "--budget", "3", "--strategy", "random", "--data-dir", str(data_dir), "--run-dir",
                 str(run), "--quiet"]) == 0
    hint = how_to_continue(Namespace(command="search", resume=None, run_dir=str(run)))
    assert hint == f"the run had already finished; 'nasloop show {run}' summarises it"
