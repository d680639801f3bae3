"""A folder that holds runs, given where one run is wanted (show, export, report, --resume)."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def _run(data_dir: Path, run_dir: Path) -> None:
    search(SearchConfig(space="nb201", strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(run_dir)))


def test_a_folder_of_runs_names_the_runs_inside(tmp_path: Path, data_dir: Path, capsys) -> None:
    """A study's method folder (its runs are in seed-N) was answered 'start a new search with --run-dir'."""
    method = tmp_path / "runs" / "random"
    for seed in (0, 1):
        _run(data_dir, method / f"seed-{seed}")
    capsys.readouterr()
    for command in (["show", str(method)], ["export", str(tmp_path / "runs"), str(tmp_path / "x.csv")]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"holds runs: {method / 'seed-0'}, {method / 'seed-1'}; name one of them" in err[0]


def test_a_folder_without_runs_keeps_the_plain_message(tmp_path: Path, capsys) -> None:
    assert main(["show", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "missing nasloop.sqlite); check the run directory" in err and "holds runs" not in err
