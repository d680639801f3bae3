"""A study report's last two columns, recomputed from the runs' stores: 'failed evals' is the sum over the method's
seeds, beside per-run columns, and its head now says so (45 failed evals read as 45 of one run's 24); 'wall s/run'
of table lookups, 0.015 s a run, read '0.0', as if the runs had not run, and gives two significant digits now."""
from __future__ import annotations

import json
import sqlite3

from nasloop.engine.cli import main
from nasloop.engine.report import study_tables
from nasloop.engine.study_file import load_study
from nasloop.engine.study_results import collect


def test_failed_evals_sum_the_seeds_and_short_runs_keep_their_wall_time(tmp_path, data_dir):
    study = tmp_path / "study"
    # NB101 outside its table: about half the cells fail
    assert main(["compare", "--space", "nb101", "--space-opt", "table_only=false", "--methods", "random",
                 "--seeds", "3", "--budget", "12", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]) == 0
    failed, walls = 0, []
    for seed in range(3):
        with sqlite3.connect(study / "runs" / "random" / f"seed-{seed}" / "nasloop.sqlite") as db:
            failed += db.execute("SELECT COUNT(*) FROM trials WHERE status = 'failed' AND state != 'duplicate'"
                                 ).fetchone()[0]
            walls.append(json.loads(db.execute("SELECT value FROM meta WHERE key = 'wall_seconds'").fetchone()[0]))
    head, (row,) = study_tables(collect(load_study(study)))["results"]
    assert failed > 0 and row[head.index("failed evals (all seeds)")] == str(failed)
    wall = sum(walls) / len(walls)
    shown = row[head.index("wall s/run")]
    assert float(shown) == float(f"{wall:.1f}" if wall >= 0.1 else f"{wall:.2g}") and float(shown) > 0, shown
    assert "| failed evals (all seeds) |" in (study / "report.md").read_text(encoding="utf-8")
