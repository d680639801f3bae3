"""A resume hands the loop the trials it read for its check only where no other connection committed since that
read: a commit between the read and the first look at SQLite's data_version was taken as none."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from nasloop.engine import resume_trials
from nasloop.engine.cli import main


def _search(run: Path, data_dir: Path, budget: int) -> None:
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", str(budget), "--seed", "4",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0


def _archs(run: Path) -> list[str]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return [arch for (arch,) in db.execute("SELECT arch FROM trials WHERE state != 'duplicate' ORDER BY id")]


def test_a_lookup_committed_just_after_the_check_read_the_trials_is_read_again(tmp_path, data_dir, monkeypatch):
    """Another search ending as the resume checks the run: its last lookup commits after the check read the trials
    (here, as the scores are checked) and before the lock. The resume must not restore from the read that lacks it,
    or it evaluates that architecture a second time and the run differs from an uninterrupted one."""
    run, longer, whole = tmp_path / "run", tmp_path / "longer", tmp_path / "whole"
    _search(run, data_dir, 6)
    _search(longer, data_dir, 7)
    _search(whole, data_dir, 9)
    check = resume_trials.checked_objectives

    def lookup_committed_meanwhile(store, trials):  # the real check, with the other search's commit at its end
        objectives = check(store, trials)
        with sqlite3.connect(run / "nasloop.sqlite") as db:
            db.execute("ATTACH DATABASE ? AS other", (str(longer / "nasloop.sqlite"),))
            db.execute("INSERT INTO trials SELECT * FROM other.trials WHERE id = 7")
        return objectives

    monkeypatch.setattr(resume_trials, "checked_objectives", lookup_committed_meanwhile)
    assert _archs(longer)[:6] == _archs(run)
    assert main(["search", "--resume", str(run), "--budget", "9", "--quiet"]) == 0
    assert _archs(run) == _archs(whole)
