"""What nasloop reads back is checked where every reader meets it: a predictor study's record of another metric or
fidelity was counted as the study's, a store whose repeat follows no earlier trial was shown and exported as fine
(only a resume refused it), and a study file's malformed budget was one line naming neither the file nor the fix."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import nasloop
from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.store import DB_NAME


def _predictor_study(folder: Path, data_dir: Path, *flags: str, seeds: int = 1, space: str = "nb201") -> None:
    assert main(["compare", "--space", space, "--predictors", "random", "--train-sizes", "8", "--seeds", str(seeds),
                 "--out", str(folder), "--data-dir", str(data_dir), "--quiet", *flags]) == 0


def _append_copy(folder: Path, **changes: object) -> None:
    """Line 1 of the study's records again, as another fit (seed 7), with ``changes``."""
    records = folder / "predictor_records.jsonl"
    first = json.loads(records.read_text().splitlines()[0])
    with records.open("a") as log:
        log.write(json.dumps({**first, "seed": 7, **changes}) + "\n")


@pytest.mark.parametrize("flags, changes, found, ranked", [
    ((), {"metric": "test_accuracy"}, "metric 'test_accuracy'", "by 'val_accuracy'"),
    ((), {"fidelity": 12}, "fidelity 12", "at fidelity 200"),  # the ranked fidelity it records
    (("--fidelity", "12"), {"fidelity": 200}, "fidelity 200", "at fidelity 12"),
    (("--metric", "fpga_energy:min"), {"metric": "fpga_energy"}, "metric 'fpga_energy'", "by 'fpga_energy:min'"),
])
def test_a_record_of_another_metric_or_fidelity_is_refused(tmp_path, data_dir, capsys, flags, changes, found,
                                                           ranked):
    study = tmp_path / "study"
    _predictor_study(study, data_dir, *flags)
    _append_copy(study, **changes)
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop report: error: {study / 'predictor_records.jsonl'} line 2 is a record of {found}, and this study "
        f"ranks 'nb201' cells on 'cifar10' {ranked}; remove the line, or keep that {found.split()[0]}'s records in "
        "a study folder of their own (another --out)\n")


@pytest.mark.parametrize("flags, space", [
    ((), "nb201"), (("--metric", "val_accuracy"), "nb201"), (("--metric", "val_accuracy:max"), "nb201"),
    (("--metric", "fpga_energy"), "nb201"), (("--metric", "fpga_energy:min"), "nb201"),
    (("--fidelity", "12"), "nb201"), ((), "tnb101-micro"),
])
def test_a_study_whose_grid_names_no_metric_or_fidelity_or_a_bare_name_is_read(tmp_path, data_dir, capsys, flags,
                                                                                space):
    """The grid holds what the command gave (null, a bare name); each record what the fit resolved it to."""
    study = tmp_path / "study"
    _predictor_study(study, data_dir, *flags, space=space)
    _predictor_study(study, data_dir, *flags, seeds=2, space=space)  # continued: the first seed's record is kept
    _append_copy(study)  # another fit of the study's own metric and fidelity
    assert main(["report", str(study)]) == 0
    assert "error" not in capsys.readouterr().err


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


@pytest.mark.parametrize("key, value, said", [
    ("fidelity", float("nan"), "its fidelity is nan, not a whole number of epochs or null"),
    ("metric", 5, "its metric is 5, not one metric's name or null"),
])
def test_a_predictor_study_file_with_a_malformed_metric_or_fidelity_is_named(tmp_path, data_dir, capsys, key,
                                                                            value, said):
    """Read as the study's, a NaN fidelity refused every record as not of it."""
    study = tmp_path / "study"
    _predictor_study(study, data_dir)
    grid = json.loads((study / "predictor_study.json").read_text())
    (study / "predictor_study.json").write_text(json.dumps({**grid, key: value}))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop report: error: {study / 'predictor_study.json'} is not a readable predictor study file "
        f"(ValueError: {said}); run the study's 'nasloop compare --predictors' command again with --force-new to set "
        "it aside\n")
