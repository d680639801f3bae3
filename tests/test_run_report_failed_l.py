"""The report of a run whose every evaluation failed."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main


def test_a_run_without_success_says_so_where_its_best_architectures_go(tmp_path: Path, data_dir: Path) -> None:
    """NB101 beyond its table: a pick outside the table's cells fails. The report's best-architectures section was
    an empty table (a header and no rows), read as a report that lost its rows; it now says none succeeded."""
    run_dir = next(run for seed in range(8)
                   if main(["search", "--space", "nb101", "--space-opt", "table_only=false", "--strategy", "random",
                            "--budget", "1", "--seed", str(seed), "--data-dir", str(data_dir),
                            "--run-dir", str(run := tmp_path / f"seed-{seed}"), "--quiet"]) == 1)
    assert main(["report", str(run_dir)]) == 0
    text = (run_dir / "report" / "report.md").read_text()
    best = text.split("## Best architectures", 1)[1].split("##", 1)[0]
    assert "None: no evaluation succeeded." in best and "| trial |" not in best
    assert "## Failed evaluations (1)" in text
    page = (run_dir / "report" / "report.html").read_text()
    assert "Best architectures by val_accuracy</h2><p>None: no evaluation succeeded.</p>" in page
