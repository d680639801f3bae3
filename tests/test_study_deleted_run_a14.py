"""A study whose run folder is deleted while its search runs (``rm -rf STUDY/runs/M/seed-0``) loses nothing: the
search writes its store back whole, the report uses it, and the study ends as one that lost nothing (exit 0, with a
note saying what happened), where it exited 1 as if that run had failed. A folder put in the run's place is the
user's: the run's store goes beside it, which the study's report cannot use, and the study says so as an error."""
from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Callable

import pytest

from nasloop.engine import study_run
from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def trials(run_dir: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{run_dir / 'nasloop.sqlite'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT COUNT(*) FROM trials").fetchone()[0]


def while_seed_0_runs(monkeypatch: pytest.MonkeyPatch, act: Callable[[Path], None]) -> None:
    """The study's searches, each the real one, with ``act(run_dir)`` done to seed 0's folder as its fifth
    evaluation is stored: what a user's ``rm -rf`` in another terminal does, at a moment a test can name."""
    def searched(config: SearchConfig, **kwargs: Any) -> dict[str, Any]:
        run_dir = Path(config.run_dir)

        def at_five(done: int, budget: int | None, best: float | None) -> None:
            if done == 5 and run_dir.name == "seed-0" and not (run_dir.parent / "acted").exists():
                (run_dir.parent / "acted").touch()
                act(run_dir)
        return search(config, on_progress=at_five, **kwargs)
    monkeypatch.setattr(study_run, "search", searched)


def compare(study: Path, data_dir: Path) -> list[str]:
    return ["compare", "--methods", "random", "--seeds", "2", "--budget", "10", "--space", "nb201", "--out",
            str(study), "--data-dir", str(data_dir), "--quiet"]


def test_a_study_whose_run_folder_is_deleted_mid_run_ends_whole_with_a_note(tmp_path, data_dir, monkeypatch, capsys):
    study = tmp_path / "study"
    while_seed_0_runs(monkeypatch, shutil.rmtree)
    assert main(compare(study, data_dir)) == 0
    run = study / "runs" / "random" / "seed-0"
    err = capsys.readouterr().err
    assert err == (f"nasloop compare: note: the run store {run / 'nasloop.sqlite'} was deleted while the search "
                   f"ran; it was written back there whole, every evaluation in it: 'nasloop show {run}' summarises "
                   "it\n")
    assert trials(run) == 10
    assert "| random | 2 |" in (study / "report.md").read_text()  # both runs in the report
    assert main(compare(study, data_dir)) == 0  # and the study continues as a whole one: the run is kept
    assert capsys.readouterr().err == ""


def test_a_study_whose_run_folder_is_replaced_mid_run_says_where_the_run_went(tmp_path, data_dir, monkeypatch,
                                                                             capsys):
    study, other = tmp_path / "study", tmp_path / "other"
    search(SearchConfig(space="nb201", dataset="cifar10", strategy="random", budget=3, seed=7, run_dir=str(other),
                        data_dir=str(data_dir)))

    def replace(run_dir: Path) -> None:
        shutil.rmtree(run_dir)
        shutil.copytree(other, run_dir)
    while_seed_0_runs(monkeypatch, replace)
    assert main(compare(study, data_dir)) == 1
    aside = study / "runs" / "random" / "seed-0.written-back"
    assert f"the search's store was written to {aside / 'nasloop.sqlite'}, every evaluation in it" in (
        capsys.readouterr().err)
    assert trials(aside) == 10
