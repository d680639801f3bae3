"""The evaluation cost ``nasloop show`` prints for tables without training times."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def test_a_table_without_training_times_costs_nothing_not_an_estimate(tmp_path: Path, data_dir: Path,
                                                                        capsys) -> None:
    """TransNAS records no times, so a lookup costs 0 s; show called that '3 of them estimated', as if training
    were estimated to take no time."""
    run_dir = tmp_path / "run"
    summary = search(SearchConfig(space="tnb101-micro", strategy="random", budget=3, data_dir=str(data_dir),
                                  run_dir=str(run_dir)))
    assert summary["budget"]["seconds_used"] == 0 and summary["budget"]["evaluations_cost_estimated"] == 3
    capsys.readouterr()
    assert main(["show", str(run_dir)]) == 0
    shown = capsys.readouterr().out
    assert "0 s (the table records no training times)" in shown and "estimated" not in shown
