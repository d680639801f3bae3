"""What nasloop reads back is checked where every reader meets it: a predictor study's record of another metric or
fidelity was counted as the study's, a store whose repeat follows no earlier trial was shown and exported as fine
(only a resume refused it), and a study file's malformed budget was one line naming neither the file nor the fix."""
from __future__ import annotations

import json
import sqlite3

import pytest

import nasloop
from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.store import DB_NAME


@pytest.mark.parametrize("repeats", [99, 5])
@pytest.mark.parametrize("command", ["show", "export"])
def test_show_and_export_refuse_a_repeat_of_no_earlier_trial(tmp_path, data_dir, capsys, repeats, command):
    """A repeat of a trial the store lacks (99) or of a later one (5), as resume refuses it."""
    run = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute("UPDATE trials SET state = 'duplicate', duplicate_of = ? WHERE id = 3", (repeats,))
    db.close()
    capsys.readouterr()
    assert main([command, str(run), *([str(tmp_path / "out.csv")] if command == "export" else [])]) == 2
    assert capsys.readouterr().err == (
        f"nasloop {command}: error: {run / DB_NAME} is damaged: trial 3 repeats trial {repeats}, which it does not "
        "follow; restore the file from a backup, or start a new run directory\n")


def test_a_study_file_with_a_malformed_budget_is_named(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    record = json.loads((study / "study.json").read_text())
    (study / "study.json").write_text(json.dumps({**record, "grid": {**record["grid"], "budget": float("nan")}}))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop report: error: {study / 'study.json'} is not a readable study file (ValueError: budget must be an "
        "integer >= 1 or null, got nan); set the folder aside and run 'nasloop compare' again\n")
