"""A resume's first commit compares every stored row of a state's appended lists, not the last alone: a guided
strategy loading rows hashed by other code hashes them again, and a row changed inside the list (the last one
the same) stayed stored with its old key, under a state saying the code now had hashed it, so the next resume
read the stale key as the cell's."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.appended_rows import AppendedRows
from nasloop.engine.state_rows import save_rows, with_saved_rows

GUIDED = ["search", "--space", "nb201", "--strategy", "bananas", "--predictor", "random", "--seed", "4", "--quiet"]
OBSERVED = json.dumps(["observed"])


def _row(db: sqlite3.Connection, index: int) -> list:
    return json.loads(db.execute("SELECT row FROM strategy_rows WHERE name = ? AND idx = ?",
                                 (OBSERVED, index)).fetchone()[0])


def test_keys_hashed_again_on_resume_replace_the_stale_ones_inside_the_stored_rows(tmp_path, data_dir):
    run = tmp_path / "run"
    assert cli.main([*GUIDED, "--budget", "30", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:  # as a nasloop hashing cell 5 otherwise left it
        state = json.loads(db.execute("SELECT state FROM strategy_state").fetchone()[0])
        db.execute("UPDATE strategy_state SET state = ?", (json.dumps({**state, "key_code": "0" * 64}),))
        text, score, key = _row(db, 5)
        db.execute("UPDATE strategy_rows SET row = ? WHERE name = ? AND idx = 5",
                   (json.dumps([text, score, "an older hash"]), OBSERVED))
    db.close()
    assert cli.main(["search", "--resume", str(run), "--budget", "40", "--quiet"]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        assert _row(db, 5) == [text, score, key]
        assert json.loads(db.execute("SELECT state FROM strategy_state").fetchone()[0])["key_code"] != "0" * 64
    db.close()


def test_a_new_connection_compares_each_row_and_keeps_the_unchanged_ones(tmp_path: Path):
    db = sqlite3.connect(tmp_path / "rows.sqlite", isolation_level=None)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    save_rows(db, {OBSERVED: AppendedRows(["a", "b", "c", "d"])}, "first")
    save_rows(db, {OBSERVED: AppendedRows(["a", "B", "c", "d", "e"])}, "first")  # the contract broken: not seen
    assert with_saved_rows(db, tmp_path, {})["observed"] == ["a", "b", "c", "d", "e"]
    save_rows(db, {OBSERVED: AppendedRows(["a", "B", "c", "d", "e"])}, "second")
    assert with_saved_rows(db, tmp_path, {})["observed"] == ["a", "B", "c", "d", "e"]


@pytest.mark.parametrize("count", ["99999999999999999999", "true"])
def test_a_forged_row_count_is_named_as_damage_in_one_line(tmp_path, data_dir, capsys, count):
    run = tmp_path / "run"
    assert cli.main([*GUIDED, "--budget", "12", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:  # past SQLite's integers: an OverflowError's traceback
        db.execute("UPDATE meta SET value = ? WHERE key = 'state_rows'", (f'{{{json.dumps(OBSERVED)}: {count}}}',))
    db.close()
    capsys.readouterr()
    for command in (["show", str(run)], ["search", "--resume", str(run), "--budget", "20", "--quiet"]):
        assert cli.main(command) == 2
        error = capsys.readouterr().err
        assert "is damaged: meta 'state_rows' is {" in error and error.count("\n") == 1, error
