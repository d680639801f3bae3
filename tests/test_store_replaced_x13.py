"""A run folder replaced while its search runs (``rm -rf RUN; cp -r OTHER RUN``) is the user's: the search's store
goes to a new folder beside it, where writing it back at its path overwrote the copy the user put there."""
from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import DataError
from nasloop.engine.search import resume, search


def trials(run_dir: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"file:{run_dir / 'nasloop.sqlite'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT step, arch, score, status FROM trials ORDER BY step, id").fetchall()


def test_a_run_folder_replaced_mid_search_is_left_as_the_user_put_it(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", budget=30, seed=0)
    other, whole, run_dir = tmp_path / "other", tmp_path / "whole", tmp_path / "run"
    search(config.replace(run_dir=str(other), budget=5, seed=7))
    search(config.replace(run_dir=str(whole)))
    kept = trials(other)

    def replace_at_ten(done: int, budget: int | None, best: float | None) -> None:
        if done == 10 and not (run_dir / "replaced").exists():
            shutil.rmtree(run_dir)
            shutil.copytree(other, run_dir)
            (run_dir / "replaced").touch()
    aside = tmp_path / "run.written-back"
    with pytest.raises(DataError, match=f"something else was put there, which is left as it is; the search's store "
                                        f"was written to {aside / 'nasloop.sqlite'}"):
        search(config.replace(run_dir=str(run_dir)), on_progress=replace_at_ten)
    assert trials(run_dir) == kept  # the copy the user put there, not the search's 30
    assert trials(aside) == trials(whole)  # and no evaluation of the search is lost


def test_a_linked_store_deleted_mid_search_is_written_back_where_the_link_leads(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", budget=20, seed=0)
    run_dir, linked = tmp_path / "run", tmp_path / "linked"
    search(config.replace(run_dir=str(run_dir)))
    linked.mkdir()
    (linked / "nasloop.sqlite").symlink_to(run_dir / "nasloop.sqlite")

    def delete_at_thirty(done: int, budget: int | None, best: float | None) -> None:
        if done == 30 and run_dir.exists():
            shutil.rmtree(run_dir)  # 'rm -rf RUN' while a resume through the link writes its store
    with pytest.raises(DataError, match=f"the run store {run_dir / 'nasloop.sqlite'} was deleted while the search "
                                        "ran; it was written back there whole"):
        resume(linked, budget=40, on_progress=delete_at_thirty)
    assert len(trials(run_dir)) == 40 and (linked / "nasloop.sqlite").is_symlink()  # not a copy over the link


def test_a_run_replaced_then_interrupted_says_where_its_store_went(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", budget=30, seed=0)
    other, run_dir = tmp_path / "other", tmp_path / "run"
    search(config.replace(run_dir=str(other), budget=5, seed=7))

    def replace_then_interrupt(done: int, budget: int | None, best: float | None) -> None:
        if done == 10 and not (run_dir / "replaced").exists():
            shutil.rmtree(run_dir)
            shutil.copytree(other, run_dir)
            (run_dir / "replaced").touch()
        if done == 12:
            raise KeyboardInterrupt  # Ctrl-C: its hint resumed 'run', the other run the user put there
    aside = tmp_path / "run.written-back"
    with pytest.raises(DataError, match=f"written to {aside / 'nasloop.sqlite'}, every evaluation in it: continue "
                                        f"with 'nasloop search --resume {aside}'"):
        search(config.replace(run_dir=str(run_dir)), on_progress=replace_then_interrupt)
    assert len(trials(aside)) == 12 and len(trials(run_dir)) == 5
