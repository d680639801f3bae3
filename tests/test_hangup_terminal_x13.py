"""A search whose terminal closes (the window shut: SIGHUP, and each write to the hung-up terminal fails with EIO)
records itself interrupted and exits 130: its last words to the dead terminal failed in turn, and it ended in a
traceback no one saw, exit status 1."""
from __future__ import annotations

import contextlib
import fcntl
import os
import select
import sqlite3
import subprocess
import sys
import termios
import time

from .hangup_default import hangup_default


def _terminal_and_hangup_default() -> None:
    """In the child: the pseudo-terminal its controlling one, SIGHUP at its default (a suite run under nohup)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    hangup_default()


def stored(run_dir) -> tuple[int, str | None]:
    """The run's trials so far and its status (0 and None before its store is there)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{run_dir / 'nasloop.sqlite'}?mode=ro", uri=True)) as db:
            status = db.execute("SELECT value FROM meta WHERE key = 'status'").fetchone()
            return db.execute("SELECT count(*) FROM trials").fetchone()[0], status and status[0]
    except sqlite3.Error:
        return 0, None


def test_a_search_whose_terminal_closes_records_it_and_exits_130(tmp_path, data_dir):
    run_dir = tmp_path / "run"
    master, terminal = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", "search", "--space", "nb201", "--dataset",
                             "cifar10", "--strategy", "evolution", "--budget", "15000", "--run-dir", str(run_dir),
                             "--data-dir", str(data_dir)], stdin=terminal, stdout=terminal, stderr=terminal,
                            start_new_session=True, preexec_fn=_terminal_and_hangup_default)
    os.close(terminal)
    deadline = time.monotonic() + 120
    try:
        while stored(run_dir)[0] < 50:  # under way: the terminal it runs in is closed
            assert proc.poll() is None and time.monotonic() < deadline, proc.returncode
            if select.select([master], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
    finally:
        os.close(master)
    assert proc.wait(timeout=120) == 130  # was 1: the interrupt's line to the closed terminal failed (EIO)
    assert stored(run_dir)[1] == '"interrupted"'
