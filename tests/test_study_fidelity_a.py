"""A predictor study whose grid names no fidelity ranks the table's highest, and its records are checked against
that: the first record naming a fidelity decided it, so a records file made wholly of a ``--fidelity 12`` study's
rows was counted as this study's fits (and continuing it skipped them as measured)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nasloop.engine.cli import main

RECORDS = "predictor_records.jsonl"


def _study(folder: Path, data_dir: Path, *flags: str, seeds: int = 1) -> int:
    return main(["compare", "--space", "nb201", "--predictors", "random", "--train-sizes", "8", "--seeds", str(seeds),
                 "--out", str(folder), "--data-dir", str(data_dir), "--quiet", *flags])


def _refusal(command: str, study: Path) -> str:
    return (f"nasloop {command}: error: {study / RECORDS} line 1 is a record of fidelity 12, and this study ranks "
            "'nb201' cells on 'cifar10' at fidelity 200; remove the line, or keep that fidelity's records in a study "
            "folder of their own (another --out)\n")


@pytest.fixture
def merged(tmp_path, data_dir) -> Path:
    """A study of the table's default fidelity whose records are all a 12-epoch study's, merged in by hand."""
    other, study = tmp_path / "epochs12", tmp_path / "study"
    assert _study(other, data_dir, "--fidelity", "12", seeds=2) == 0
    assert _study(study, data_dir) == 0
    shutil.copy(other / RECORDS, study / RECORDS)
    return study


def test_a_records_file_wholly_of_another_fidelity_is_refused_by_report_and_compare(merged, data_dir, capsys):
    capsys.readouterr()
    assert main(["report", str(merged)]) == 2
    assert capsys.readouterr().err == _refusal("report", merged)
    assert _study(merged, data_dir, seeds=3) == 2
    assert capsys.readouterr().err == _refusal("compare", merged)


def test_a_study_from_before_the_fidelity_was_recorded_is_checked_against_the_table(merged, data_dir, capsys,
                                                                                   isolated_cache, monkeypatch):
    """Its grid file lacks ranked_fidelity: continuing it reads the table of --data-dir, a report the data folders."""
    grid = json.loads((merged / "predictor_study.json").read_text())
    grid.pop("ranked_fidelity", None)
    (merged / "predictor_study.json").write_text(json.dumps(grid))
    capsys.readouterr()
    assert _study(merged, data_dir, seeds=3) == 2
    assert capsys.readouterr().err == _refusal("compare", merged)
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    assert main(["report", str(merged)]) == 2
    assert capsys.readouterr().err == _refusal("report", merged)


@pytest.mark.parametrize("value", ["NaN", "12.5", "true", "0", '"200"'])
def test_a_damaged_ranked_fidelity_is_one_line(tmp_path, data_dir, capsys, value):
    study = tmp_path / "study"
    assert _study(study, data_dir) == 0
    path = study / "predictor_study.json"
    path.write_text(path.read_text().replace('"ranked_fidelity": 200', f'"ranked_fidelity": {value}'))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop report: error: {path} is not a readable predictor study file (ValueError: its ranked_fidelity is "
        f"{json.loads(value)!r}, not a whole number of epochs or null); run the study's 'nasloop compare --predictors' "
        "command again with --force-new to set it aside\n")


@pytest.mark.parametrize("key, value, problem", [
    ("space_options", "NaN", "space_options must be a mapping with string keys, got nan"),
    ("space_options", "[1]", "space_options must be a mapping with string keys, got [1]"),
    ("predictor_options", "Infinity", "predictor_options must be a mapping with string keys, got inf"),
    ("pretrained_files", "NaN", "its pretrained files are nan, not a mapping"),
])
@pytest.mark.parametrize("command", ["report", "compare"])
def test_a_grid_file_of_wrong_typed_options_is_refused_as_study_json_is(tmp_path, data_dir, capsys, key, value,
                                                                        problem, command):
    """As load_study words study.json's (space_options of NaN: 'space_options must be a mapping with string keys,
    got nan'); a report was written, and compare refused the study as one of other options."""
    study = tmp_path / "study"
    assert _study(study, data_dir) == 0
    path = study / "predictor_study.json"
    path.write_text(path.read_text().replace('"space": "nb201"', f'"{key}": {value}, "space": "nb201"', 1)
                    .replace(f'"{key}": {{}},', ""))
    capsys.readouterr()
    assert (main(["report", str(study)]) if command == "report" else _study(study, data_dir)) == 2
    assert capsys.readouterr().err == (
        f"nasloop {command}: error: {path} is not a readable predictor study file (ValueError: {problem}); run the "
        "study's 'nasloop compare --predictors' command again with --force-new to set it aside\n")
