"""JSON nested deeper than Python's stack, in a file a user may get from elsewhere (a study folder, a run store, a
table), is one line naming the file and the fix: json.loads raises RecursionError there, not ValueError, and every
reader caught only the latter, so the command ended in 'unexpected RecursionError' (or, resuming a run, a traceback
from the message's own second read of the store)."""
from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pytest

from nasloop.engine.cli import main

from .messages import one_line

NESTED = "[" * 100_000


@pytest.fixture(scope="module")
def made(tmp_path_factory, data_dir):
    """A run, a search study and a predictor study, made once and copied by each test."""
    root = tmp_path_factory.mktemp("made")
    common = ["--space", "nb201", "--data-dir", str(data_dir), "--quiet"]
    assert main(["search", *common, "--strategy", "random", "--budget", "3", "--run-dir", str(root / "run")]) == 0
    assert main(["compare", *common, "--methods", "random", "--budget", "2", "--seeds", "1",
                 "--out", str(root / "study")]) == 0
    assert main(["compare", *common, "--predictors", "random", "--train-sizes", "8", "--seeds", "1",
                 "--out", str(root / "predictors")]) == 0
    return root


def _refused(argv: list[str], capsys, *names: object) -> None:
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    one_line(err, *names)
    assert "unexpected" not in err


def test_a_study_file_nested_too_deep_is_named(made, tmp_path, capsys):
    study = shutil.copytree(made / "study", tmp_path / "study")
    (study / "study.json").write_text(NESTED)
    _refused(["report", str(study)], capsys, study / "study.json", "not a readable study file", "set the folder aside")


def test_a_predictor_study_file_or_record_nested_too_deep_is_named(made, tmp_path, capsys):
    study = shutil.copytree(made / "predictors", tmp_path / "predictors")
    records = study / "predictor_records.jsonl"
    kept = records.read_text()
    records.write_text(NESTED + "\n" + kept)
    _refused(["report", str(study)], capsys, f"{records} line 1 is not a predictor record", "set the folder aside")
    records.write_text(kept)
    (study / "predictor_study.json").write_text(NESTED)
    _refused(["report", str(study)], capsys, study / "predictor_study.json", "--force-new")


@pytest.mark.parametrize("statement", ["UPDATE meta SET value = ? WHERE key = 'config'",
                                       "UPDATE trials SET metrics = ? WHERE id = 1",
                                       "UPDATE strategy_state SET state = ?"])
def test_a_run_store_value_nested_too_deep_is_named(made, tmp_path, capsys, statement):
    run = shutil.copytree(made / "run", tmp_path / "run")
    store = run / "nasloop.sqlite"
    with sqlite3.connect(store) as db:
        db.execute(statement, (NESTED,))
    db.close()
    _refused(["search", "--resume", str(run), "--budget", "5"], capsys, store, "is not valid JSON", "backup")
    _refused(["export", str(run), str(tmp_path / "out.csv")], capsys, store, "is not valid JSON", "backup")


def test_a_table_whose_metadata_nests_too_deep_is_named(tmp_path, capsys, isolated_cache):
    np.savez(tmp_path / "nb201.npz", __meta__=np.array(NESTED), index=np.arange(3))
    _refused(["search", "--space", "nb201", "--budget", "2", "--data-dir", str(tmp_path), "--run-dir",
              str(tmp_path / "run"), "--quiet"], capsys, tmp_path / "nb201.npz", "nasloop data import")
