"""A store whose heartbeat names a time no date can be made of (1e20: damaged, or made by hand) is refused as
damaged in one line, as any other meta value out of its range: 'show' of such a run, stored running with no process
searching it (killed), failed as an unexpected OverflowError while writing that time as a date."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


def _killed_run(tmp_path: Path, data_dir: Path, at: float) -> Path:
    """A finished run rewritten as one whose search was killed with its last heartbeat at ``at``."""
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'status'", (json.dumps("running"),))
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('heartbeat', ?)",
                   (json.dumps({"wall_seconds": 7.5, "at": at}),))
    db.close()
    return run


def test_a_heartbeat_at_no_date_is_refused_in_one_line(tmp_path: Path, data_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    run = _killed_run(tmp_path, data_dir, 1e20)
    capsys.readouterr()
    assert main(["show", str(run)]) == 2
    error = one_line(capsys.readouterr().err.strip())
    assert "is damaged: meta 'heartbeat' is" in error and "a time before the year 10000" in error


def test_a_heartbeat_at_a_late_date_is_still_shown(tmp_path: Path, data_dir: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run = _killed_run(tmp_path, data_dir, 253402214399.0)  # 9999-12-30 23:59:59 UTC
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    assert "last alive at 9999-12-30 23:59:59 UTC" in " ".join(capsys.readouterr().out.split())
