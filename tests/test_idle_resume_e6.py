"""A resume with nothing to do builds no executor and runs no loop, and is refused and told as before.

Before: it was handed a stand-in, nasloop's in-process executor, in place of the run's own (whose construction may
start Ray), and ran a loop it never searched with. It now checks the run's executor's options, loads the run's
state as the check it is, and builds neither.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.executors.base import Executor
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.loop import SearchLoop
from nasloop.engine.search import resume, search
from nasloop.engine.store import DB_NAME


def _finished_run(tmp_path: Path, data_dir: Path, executor_options: dict[str, Any] | None = None) -> Path:
    run = tmp_path / "run"
    config = SearchConfig(strategy="evolution", budget=3, data_dir=str(data_dir), run_dir=str(run),
                          executor_options=executor_options or {})
    assert search(config)["status"] == "finished"
    return run


def _constructed(kinds: tuple[type, ...]) -> tuple[list[str], Any]:
    """A profile function recording each ``__init__`` of a subclass of ``kinds`` that runs, and that list."""
    seen: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_name == "__init__" and isinstance(frame.f_locals.get("self"), kinds):
            seen.append(type(frame.f_locals["self"]).__name__)

    return seen, profile


def test_a_resume_with_nothing_to_do_builds_no_executor_and_no_loop(tmp_path: Path, data_dir: Path) -> None:
    run = _finished_run(tmp_path, data_dir)
    notes: list[str] = []
    seen, profile = _constructed((Executor, SearchLoop))
    sys.setprofile(profile)
    try:
        summary = resume(run, on_note=notes.append)
    finally:
        sys.setprofile(None)
    assert summary["status"] == "finished" and summary["evaluations"] == 3
    assert any(note.startswith("nothing to do: ") for note in notes), notes
    assert seen == []
    sys.setprofile(profile)  # the same watch sees an executor built
    try:
        InProcessExecutor()
    finally:
        sys.setprofile(None)
    assert seen == ["InProcessExecutor"]


def test_a_resume_with_nothing_to_do_still_checks_the_executors_options(tmp_path: Path, data_dir: Path) -> None:
    run = _finished_run(tmp_path, data_dir)
    with pytest.raises(ConfigError, match="^executor 'inprocess' .*workers"):
        resume(run, executor_options={"workers": 2})


def test_a_resume_with_nothing_to_do_still_loads_the_runs_state(tmp_path: Path, data_dir: Path) -> None:
    """A strategy state that does not load is refused, as it is where the run goes on, and the run left as it was."""
    run = _finished_run(tmp_path, data_dir)
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute("UPDATE strategy_state SET state = '{}'")
    before = (run / DB_NAME).read_bytes()
    with pytest.raises(DataError, match="is damaged: the strategy state does not load into RegularizedEvolution"):
        resume(run)
    assert (run / DB_NAME).read_bytes() == before
