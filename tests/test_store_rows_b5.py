"""A store edited to hold what no run writes is named as damaged in one line by every command that reads it: an
architecture that is no architecture of the run's space (read by the space's own parse, on resume, where the space
is built), a second evaluation of one architecture, or a fidelity below 1 were read without a word (a resume
evaluated at -3 epochs, or blamed the benchmark table)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import nasloop
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import DataError
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import summarize
from nasloop.engine.store import DB_NAME

from .digit_space import DigitSpace, DigitSum

RESTORE = "restore the file from a backup, or start a new run directory"
COPY = ("INSERT INTO trials (step, arch, key, fidelity, state, duplicate_of, status, score, metrics, cost, "
        "cost_estimated, reason, told, asked_at, finished_at) SELECT step, arch, key, fidelity, state, duplicate_of, "
        "status, score, metrics, cost, cost_estimated, reason, told, asked_at, finished_at FROM trials WHERE id = 2")


@pytest.fixture
def run(tmp_path, data_dir) -> Path:
    folder = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(folder)))
    return folder


def _edit(run: Path, sql: str) -> None:
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute(sql)
    db.close()


def _commands(run: Path) -> dict[str, list[str]]:
    return {"show": ["show", str(run)], "export": ["export", str(run), str(run.parent / "out.csv")],
            "report": ["report", str(run), "--out", str(run.parent / "report")],
            "search": ["search", "--resume", str(run), "--budget", "7", "--quiet"]}


@pytest.mark.parametrize("command", ["show", "export", "report", "search"])
@pytest.mark.parametrize("edit, problem", [
    (COPY, "trials 2 and 6 both evaluate one architecture (one dedup key), where a store holds one evaluation of "
           "each and repeats of it"),
    ("UPDATE trials SET fidelity = -3 WHERE id = 2", "trial 2 has fidelity -3, not a whole number of 1 or more"),
    ("UPDATE trials SET fidelity = 0 WHERE id = 2", "trial 2 has fidelity 0, not a whole number of 1 or more"),
], ids=["two evaluations", "fidelity -3", "fidelity 0"])
def test_a_row_no_run_writes_is_refused_by_every_reader(run, nasloop_in_process, command, edit, problem):
    _edit(run, edit)
    done = nasloop_in_process(_commands(run)[command])
    assert done.returncode == 2
    assert done.stderr == f"nasloop {command}: error: {run / DB_NAME} is damaged: {problem}; {RESTORE}\n"


def test_an_architecture_of_no_run_is_refused_on_resume_and_the_run_left_as_it_was(run, nasloop_in_process):
    """A finished trial's architecture was never parsed on resume: 'garbage' was kept as an evaluation of the space
    (and counted toward a space evaluated whole)."""
    _edit(run, "UPDATE trials SET arch = 'garbage' WHERE id = 3")
    before = (run / DB_NAME).read_bytes()
    done = nasloop_in_process(_commands(run)["search"])
    assert done.returncode == 2
    assert done.stderr.startswith(f"nasloop search: error: {run / DB_NAME} is damaged: trial 3 holds 'garbage', not "
                                  "an architecture of nb201 ('garbage' is not an NB201 cell: ")
    assert done.stderr.endswith(f"; {RESTORE}\n") and done.stderr.count("\n") == 1
    assert (run / DB_NAME).read_bytes() == before and summarize(run)["evaluations"] == 5


def test_repeats_of_one_architecture_are_no_second_evaluation(tmp_path, data_dir):
    """Rows of repeats (``duplicate``) share their original's key: a store holding them is read as it was."""
    folder = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="random", budget=4, data_dir=str(data_dir), run_dir=str(folder)))
    _edit(folder, "INSERT INTO trials (step, arch, key, fidelity, state, duplicate_of, status, score, metrics, cost, "
                  "cost_estimated, reason, told, asked_at, finished_at) SELECT step, arch, key, NULL, 'duplicate', "
                  "id, status, score, metrics, 0, cost_estimated, reason, 1, asked_at, finished_at FROM trials WHERE "
                  "id = 2")
    shown = summarize(folder)
    assert shown["evaluations"] == 4 and shown["duplicates_answered"] == 1


def test_a_users_space_that_does_not_read_a_finished_trial_keeps_it_and_one_to_evaluate_again_is_told_both_fixes(
        tmp_path):
    """A user's space may have changed how it writes since the run stored a trial (the base resumed such a run, its
    finished trials under their stored keys): a finished, told trial is kept so, said in a note, and a trial the run
    must evaluate again, which needs its architecture, is refused with that fix said too."""
    register_search_space("b5-digits")(type("Digits", (DigitSpace,), {"name": "b5-digits"}))
    register_evaluator("b5-sum")(type("Sum", (DigitSum,), {}))
    folder = tmp_path / "run"
    nasloop.search(SearchConfig(space="b5-digits", evaluator="b5-sum", strategy="random", budget=3,
                                run_dir=str(folder)))
    _edit(folder, "UPDATE trials SET arch = '0-1-2' WHERE id = 2")
    notes: list[str] = []
    assert nasloop.resume(folder, budget=4, on_note=notes.append)["evaluations"] == 4
    assert [n for n in notes if "finished trial(s)" in n] == [
        f"1 finished trial(s) of {folder / DB_NAME} hold strings search space 'b5-digits' does not read now (its "
        "format changed since, or the store was edited): they are kept under the keys they were stored with"]
    _edit(folder, "UPDATE trials SET state = 'pending', status = NULL, score = NULL, metrics = NULL, told = 0 "
                  "WHERE id = 2")
    with pytest.raises(DataError) as refused:
        nasloop.resume(folder, budget=5)
    assert str(refused.value).startswith(f"{folder / DB_NAME}: trial 2 holds '0-1-2', which search space 'b5-digits' "
                                         "does not read (ArchitectureError: '0-1-2' is not 5 digits 0-3 joined by '-'")
    assert str(refused.value).endswith("; its parse must read what its format wrote: if its code changed since the "
                                       "run stored the trial, make it read the older form too, and if the store was "
                                       "edited, restore it from a backup")
