"""A resume read every stored trial twice before its first new evaluation: to check the store before locking it,
then to restore the loop. The check's read is handed to the loop, unless the store changed in between."""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from nasloop.engine import resume_trials
from nasloop.engine.cli import main
from nasloop.engine.loop import SearchLoop
from nasloop.engine.run_locked import run_locked
from nasloop.engine.store import RunStore


def _search(run: Path, data_dir: Path, budget: int) -> None:
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", str(budget), "--seed", "4",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0


def _archs(run: Path) -> list[str]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return [arch for (arch,) in db.execute("SELECT arch FROM trials WHERE state != 'duplicate' ORDER BY id")]


def test_a_resume_reads_the_stored_trials_once_before_its_first_new_evaluation(tmp_path, data_dir, monkeypatch):
    """Counted by a wrapper around the store's own read, the loop's first ask marking the first new evaluation."""
    run, whole = tmp_path / "run", tmp_path / "whole"
    _search(run, data_dir, 30)
    _search(whole, data_dir, 34)
    reads: list[tuple[str, bool]] = []
    asked: list[int] = []
    read, ask = RunStore.trials, SearchLoop._ask

    def counted_read(store: RunStore, where: str = "", params: tuple = ()) -> list:
        reads.append((where, bool(asked)))
        return read(store, where, params)

    def noted_ask(loop: SearchLoop, n: int) -> int:
        asked.append(n)
        return ask(loop, n)

    monkeypatch.setattr(RunStore, "trials", counted_read)
    monkeypatch.setattr(SearchLoop, "_ask", noted_ask)
    assert main(["search", "--resume", str(run), "--budget", "34", "--quiet"]) == 0
    assert asked
    assert [where for where, after in reads if not where and not after] == [""], reads
    assert _archs(run) == _archs(whole)  # the proposals of an uninterrupted run of the same seed


def test_trials_another_process_added_after_the_check_are_read_again(tmp_path, data_dir, monkeypatch):
    """A search that was still writing the run as the resume checked it, and ended before the lock was taken: the
    trials the check read lack its last lookup, which the resume would have evaluated a second time."""
    run, longer, whole = tmp_path / "run", tmp_path / "longer", tmp_path / "whole"
    _search(run, data_dir, 6)
    _search(longer, data_dir, 7)
    _search(whole, data_dir, 9)

    def lookup_committed_meanwhile(run_dir: Path) -> contextlib.AbstractContextManager[None]:
        with sqlite3.connect(run / "nasloop.sqlite") as db:  # as its group of lookups commits without its state
            db.execute("ATTACH DATABASE ? AS other", (str(longer / "nasloop.sqlite"),))
            db.execute("INSERT INTO trials SELECT * FROM other.trials WHERE id = 7")
        return run_locked(run_dir)

    monkeypatch.setattr(resume_trials, "run_locked", lookup_committed_meanwhile)
    assert _archs(longer)[:6] == _archs(run)
    assert main(["search", "--resume", str(run), "--budget", "9", "--quiet"]) == 0
    assert _archs(run) == _archs(whole)


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
