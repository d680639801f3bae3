"""``compare --executor ray --jobs N`` keeps at most N runs in flight.

``--jobs`` was read by local processes only: on Ray every run started at once (one CPU each), so a user who asked
for one run at a time (a GPU each run needs whole, a machine shared with others) got all of them together."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from nasloop.engine.cli import main


def _span(run_dir: Path) -> tuple[float, float]:
    """When the run asked for its first architecture and when its last evaluation finished (wall clock)."""
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:
        return db.execute("SELECT MIN(asked_at), MAX(finished_at) FROM trials").fetchone()


def test_ray_runs_keep_to_jobs_at_once(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    for key, value in {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
                       "RAY_AUTH_MODE": "disabled"}.items():  # a local Ray on loopback, as the executor starts one
        monkeypatch.setenv(key, value)
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random,local", "--seeds", "2", "--budget", "60", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", "--executor", "ray", "--jobs", "1"]) == 0
    spans = sorted(_span(run) for run in (study / "runs").glob("*/seed-*"))
    assert len(spans) == 4
    for (_, ended), (began, _) in zip(spans, spans[1:]):
        assert ended <= began  # one at a time: each run began after the one before it had finished
