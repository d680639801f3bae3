"""A run store from elsewhere with its schema changed (a column dropped, a trigger added) or a recorded value no run
writes (a NaN wall time, an infinite cost, a minimize of "yes") is one line naming the store and the fix, for
'show', 'export' and 'search --resume' alike, and is left as it was."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.fixture(scope="module")
def made(tmp_path_factory, data_dir):
    run = tmp_path_factory.mktemp("made") / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "3", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    return run


DAMAGES = {  # what a user saw before: the first three an 'unexpected' error, the trigger a resume that lost trials
    "ALTER TABLE trials DROP COLUMN reason": "its 'trials' table has no column 'reason'",
    "UPDATE meta SET value = 'NaN' WHERE key = 'wall_seconds'": "meta 'wall_seconds' is nan",
    "UPDATE trials SET cost = 9e999 WHERE id = 1": "trial 1 has cost inf",
    "CREATE TRIGGER wipe AFTER INSERT ON trials BEGIN DELETE FROM trials; END": "holds a trigger 'wipe'",
    "UPDATE trials SET cost = -5 WHERE id = 1": "trial 1 has cost -5.0",  # no evaluation takes less than no time
    "UPDATE meta SET value = '\"yes\"' WHERE key = 'minimize'": "meta 'minimize' is 'yes'",  # read as true
}


@pytest.mark.parametrize("statement", list(DAMAGES))
def test_a_store_with_a_changed_schema_or_an_impossible_value_is_one_line(made, tmp_path, capsys, statement):
    run = shutil.copytree(made, tmp_path / "run")
    store = run / "nasloop.sqlite"
    db = sqlite3.connect(store)
    db.executescript(statement)
    db.close()
    kept = store.read_bytes()
    for argv in (["show", str(run)], ["export", str(run), str(tmp_path / "out.csv")],
                 ["search", "--resume", str(run), "--budget", "6", "--quiet"]):
        capsys.readouterr()
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        one_line(err, store, DAMAGES[statement], "restore the file from a backup")
    assert store.read_bytes() == kept


def test_a_store_from_before_costs_said_whether_estimated_is_shown_and_exported(made, tmp_path, capsys):
    """Such a store (no cost_estimated column; a search adds it as it opens one to write) is read without writing
    by show and export: show failed with 'could not be read or written (no such column: cost_estimated)', export
    with an unexpected IndexError."""
    run = shutil.copytree(made, tmp_path / "run")
    store = run / "nasloop.sqlite"
    db = sqlite3.connect(store)
    db.execute("ALTER TABLE trials DROP COLUMN cost_estimated")
    db.close()
    kept = store.read_bytes()
    capsys.readouterr()
    assert main(["show", str(run)]) == 0, capsys.readouterr().err
    assert main(["export", str(run), str(tmp_path / "out.csv")]) == 0, capsys.readouterr().err
    assert len((tmp_path / "out.csv").read_text().splitlines()) == 4  # a header and the three trials
    assert store.read_bytes() == kept
