"""A resume with nothing to do leaves every file of the run as it was, byte for byte.

A finished run resumed with no larger budget still ran the loop, which found nothing to evaluate but saved the
strategy state again (a new time stamp), added its session's wall time (+0.0008 s on a NAGO run) and rewrote the
run's status and objectives: ``--resume DIR`` changed the store of every finished run, NAGO's and NB201's alike.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.run_lock import LOCK_NAME
from nasloop.engine.search import summarize
from nasloop.engine.store import DB_NAME

NEW_RUNS = {
    "nb201": ["--space", "nb201", "--strategy", "evolution", "--budget", "6", "--tensorboard", "{tb}"],
    "nago": ["--space", "nago", "--space-opt", "param_limit=2e4", "--evaluator", "proxy", "--proxies", "synflow",
             "--strategy", "bo", "--budget", "3"],
}


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and modification time. The run lock's time is left out: every resume
    (a refused one too) writes its process id into it while it holds it, and empties it again."""
    return {str(p.relative_to(folder)): (p.read_bytes(), 0 if p.name == LOCK_NAME else p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _start(tmp_path: Path, data_dir: Path, space: str) -> Path:
    run = tmp_path / "run"
    argv = [a.replace("{tb}", str(tmp_path / "tb")) for a in NEW_RUNS[space]]
    assert main(["search", *argv, "--seed", "0", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    return run


@pytest.mark.usefixtures("one_torch_thread")
@pytest.mark.parametrize("space", sorted(NEW_RUNS))
def test_a_finished_run_resumed_with_nothing_to_do_is_left_byte_for_byte(tmp_path, data_dir, capsys, space):
    run = _start(tmp_path, data_dir, space)
    before = _files(tmp_path)
    assert space != "nb201" or any(name.startswith("tb") for name in before)  # its TensorBoard log is kept too
    capsys.readouterr()
    assert main(["search", "--resume", str(run), "--quiet"]) == 0
    assert "nothing to do" in capsys.readouterr().err
    after = _files(tmp_path)
    assert sorted(after) == sorted(before)
    changed = [name for name in before if after[name] != before[name]]
    assert not changed, f"{changed} changed"
    assert summarize(run)["status"] == "finished"


def test_a_run_stopped_after_its_last_evaluation_is_still_marked_finished(tmp_path, data_dir):
    """A Ctrl-C after the last evaluation left it 'interrupted': that resume has something to record."""
    run = _start(tmp_path, data_dir, "nb201")
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute("""UPDATE meta SET value = '"interrupted"' WHERE key = 'status'""")
    assert main(["search", "--resume", str(run), "--quiet"]) == 0
    assert summarize(run)["status"] == "finished"
