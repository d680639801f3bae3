"""``show``, ``export`` and ``report`` read a stored architecture as a resume does: a user's space whose format
changed since the run (here, a string edited to one it does not read) still shows the run, its strings as stored,
and a note says in one line which trials it does not read and what a resume does with them; one of nasloop's own
spaces names such a string as the damage a resume refuses. The readers built no space, so they showed those strings
as architectures without a word, and a run a resume refuses looked whole."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.export import export_trials
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.store_rows import RESTORE

from .digit_space import DigitSpace, DigitSum


def _edit(run: Path, sql: str) -> None:
    db = sqlite3.connect(run / "nasloop.sqlite")
    db.execute(sql)
    db.commit()
    db.close()


@pytest.fixture
def changed(tmp_path, nasloop_in_process) -> Path:
    """A run of a user's space whose second trial holds a string the space does not read now."""
    register_search_space("b6u-digits")(type("B6UDigits", (DigitSpace,), {"name": "b6u-digits"}))
    register_evaluator("b6u-sum")(type("B6USum", (DigitSum,), {}))
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--space", "b6u-digits", "--evaluator", "b6u-sum", "--strategy", "random",
                               "--budget", "3", "--run-dir", str(run), "--quiet"])
    assert done.returncode == 0, done.stderr
    _edit(run, "UPDATE trials SET arch = '0-1-2' WHERE id = 2")
    return run


def _note(run: Path) -> str:
    return (f"1 trial(s) of {run / 'nasloop.sqlite'} (the first: trial 2, '0-1-2') hold strings search space "
            "'b6u-digits' does not read now (its format changed since, or the store was edited): shown as stored; "
            "a resume keeps the finished ones under the keys they were stored with, and one it must evaluate again "
            "needs the space to read it")


def _flat(text: str) -> str:
    """A rich table's text without its borders and spaces: its cells fold over several lines, within words too."""
    return "".join(text.replace("│", "").split())


def test_show_shows_the_run_and_notes_what_its_space_does_not_read(changed, nasloop_in_process):
    shown = nasloop_in_process(["show", str(changed), "--json"])
    assert shown.returncode == 0, shown.stderr
    summary = json.loads(shown.stdout)
    assert summary["evaluations"] == 3 and summary["unread_note"] == _note(changed)
    table = nasloop_in_process(["show", str(changed)])
    assert table.returncode == 0 and _flat(_note(changed)) in _flat(table.stdout), table.stdout


def test_export_writes_the_strings_as_stored_and_notes_them(changed, nasloop_in_process, tmp_path):
    out = tmp_path / "trials.json"
    done = nasloop_in_process(["export", str(changed), str(out)])
    assert done.returncode == 0 and done.stderr == f"nasloop export: note: {_note(changed)}\n"
    assert [row["arch"] for row in json.loads(out.read_text())][1] == "0-1-2"
    notes: list[str] = []
    export_trials(changed, tmp_path / "again.csv", on_note=notes.append)
    assert notes == [_note(changed)]


def test_the_run_report_notes_them(changed, nasloop_in_process, tmp_path):
    done = nasloop_in_process(["report", str(changed), "--out", str(tmp_path / "report")])
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report" / "report.md").read_text().count(_note(changed)) == 1


def test_a_run_its_space_reads_whole_is_shown_without_a_note(tmp_path, nasloop_in_process):
    register_search_space("b6u-digits")(type("B6UDigits", (DigitSpace,), {"name": "b6u-digits"}))
    register_evaluator("b6u-sum")(type("B6USum", (DigitSum,), {}))
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--space", "b6u-digits", "--evaluator", "b6u-sum", "--strategy", "random",
                               "--budget", "3", "--run-dir", str(run), "--quiet"]).returncode == 0
    shown = nasloop_in_process(["show", str(run), "--json"])
    assert shown.returncode == 0 and "unread_note" not in json.loads(shown.stdout)
    assert nasloop_in_process(["export", str(run), str(tmp_path / "t.csv")]).stderr == ""


def test_nasloops_own_space_names_an_edited_string_as_the_damage_a_resume_refuses(tmp_path, data_dir,
                                                                                  nasloop_in_process):
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--strategy", "random", "--budget", "4", "--run-dir", str(run),
                               "--data-dir", str(data_dir), "--quiet"]).returncode == 0
    _edit(run, "UPDATE trials SET arch = 'garbage' WHERE id = 3")
    shown = nasloop_in_process(["show", str(run), "--json"])
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["unread_note"] == (
        f"1 trial(s) of {run / 'nasloop.sqlite'} (the first: trial 3, 'garbage') hold strings that are no "
        f"architecture of nb201: the store was edited, and a resume refuses it as damaged; {RESTORE}")
    resumed = nasloop_in_process(["search", "--resume", str(run), "--budget", "5", "--quiet"])
    assert resumed.returncode == 2 and "is damaged: trial 3 holds 'garbage'" in resumed.stderr
