"""A store edited outside nasloop in a trial's state or in what it repeats is refused as damaged on resume: an
unknown state was resumed as a running trial (evaluated again), and a repeat of a trial not in the store waited
for it for ever."""
from __future__ import annotations

import sqlite3

import pytest

import nasloop
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import DataError
from nasloop.engine.store import DB_NAME


@pytest.mark.parametrize("edit, message", [
    ("state = 'weird'", "trial 3 has state 'weird' with duplicate_of None"),
    ("state = 'duplicate', duplicate_of = 999", "trial 3 repeats trial 999, which it does not follow"),
    ("duplicate_of = 1", "trial 3 has state 'done' with duplicate_of 1"),
])
def test_a_trial_edited_in_its_state_or_repeat_is_refused_on_resume(tmp_path, data_dir, edit, message):
    run = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute(f"UPDATE trials SET {edit} WHERE id = 3")
    db.close()
    with pytest.raises(DataError, match=f"is damaged: {message}; restore the file"):
        nasloop.resume(run, budget=8)


def test_a_study_file_of_a_newer_version_is_refused(tmp_path, data_dir, capsys):
    """'version': 99 was read without a word, as if its fields meant what this nasloop's do."""
    import json

    from nasloop.engine.cli import main

    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    record = json.loads((study / "study.json").read_text())
    (study / "study.json").write_text(json.dumps({**record, "version": 99}))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (f"nasloop report: error: {study / 'study.json'} is a study file of version 99, "
                                       "written by a newer nasloop (this one reads up to 1); upgrade nasloop to read "
                                       "it\n")
