"""A store whose file is 0 bytes beside a write-ahead log holding the run (killed before its first checkpoint) is
rebuilt from the log, where nasloop refused it as 'empty (0 bytes)' and SQLite, opening it, deleted the log; a log
that holds no committed run is refused in one line that says what to do."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.search import summarize
from nasloop.engine.store import RunStore

from .messages import one_line


def _copy_then_kill(store: Path, copy: Path) -> None:
    """Write ``store``'s rows into a new WAL store at ``copy`` with no checkpoint, then die by SIGKILL: every page
    the copy holds is in its log alone."""
    target = sqlite3.connect(copy, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA wal_autocheckpoint=0")
    target.executescript("\n".join(sqlite3.connect(store).iterdump()))
    os.kill(os.getpid(), signal.SIGKILL)


def _killed_store(tmp_path: Path, data_dir: Path) -> tuple[Path, Path]:
    """A finished run, and its copy killed before its first checkpoint, its file then 0 bytes as a copy or restore
    that missed the unflushed file leaves it."""
    run, killed = tmp_path / "run", tmp_path / "killed"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "4", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    killed.mkdir()
    child = multiprocessing.get_context("spawn").Process(
        target=_copy_then_kill, args=(run / "nasloop.sqlite", killed / "nasloop.sqlite"))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    (killed / "nasloop.sqlite").write_bytes(b"")
    (killed / "nasloop.sqlite-shm").unlink(missing_ok=True)
    assert (killed / "nasloop.sqlite-wal").stat().st_size > 0
    return run, killed


def test_a_run_held_by_the_log_alone_is_rebuilt_and_read(tmp_path: Path, data_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    run, killed = _killed_store(tmp_path, data_dir)
    log = (killed / "nasloop.sqlite-wal").read_bytes()
    capsys.readouterr()
    assert main(["show", str(killed), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    with RunStore.in_run_dir(run, readonly=True) as store:
        original = summarize(store)
    assert shown["evaluations"] == original["evaluations"] == 4 and shown["best"] == original["best"]
    assert (killed / "nasloop.sqlite-wal.before-rescue").read_bytes() == log  # nothing the user had is lost
    assert main(["search", "--resume", str(killed), "--budget", "6", "--data-dir", str(data_dir), "--quiet"]) == 0
    with RunStore.in_run_dir(killed, readonly=True) as store:
        assert summarize(store)["evaluations"] == 6


def test_a_log_without_a_committed_run_is_refused_in_one_line(tmp_path: Path, data_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, killed = _killed_store(tmp_path, data_dir)
    log = killed / "nasloop.sqlite-wal"
    log.write_bytes(log.read_bytes()[:32 + 24 + 1000])  # its first frame torn by the kill: nothing committed
    capsys.readouterr()
    assert main(["show", str(killed)]) == 2
    error = one_line(capsys.readouterr().err.strip())
    assert "is empty (0 bytes) and its write-ahead log nasloop.sqlite-wal holds no committed run" in error
    assert f"delete both files and start the search again with --run-dir {killed}" in error
