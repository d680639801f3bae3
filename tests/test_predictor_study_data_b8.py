"""A predictor study continued on other data than it began with is refused, as a search study is
(engine/predictor_data.py): it mixed two tables' taus in one row, unsaid. The same data in another folder goes on,
and --force-new sets the study aside."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine.data.table import Table

from .study_tables import same_and_other_tables

COMPARE = ["compare", "--predictors", "random", "--train-sizes", "8", "--quiet"]


@pytest.fixture
def two_tables(tmp_path: Path, csv_table: Table) -> tuple[Path, Path]:
    return same_and_other_tables(tmp_path, csv_table)


def _study(run, out: Path, seeds: int, data: Path, *more: str):
    return run([*COMPARE, "--seeds", str(seeds), "--out", str(out), "--data-dir", str(data), *more])


def test_a_study_continued_on_other_data_is_refused_naming_its_own(tmp_path, two_tables, nasloop_in_process):
    same, other = two_tables
    out = tmp_path / "study"
    assert _study(nasloop_in_process, out, 1, same).returncode == 0
    refused = _study(nasloop_in_process, out, 2, other)
    assert refused.returncode == 2, refused.stderr
    assert "other nb201 cifar10 values than the table found now" in refused.stderr, refused.stderr
    assert f"continue the study on the data it began with (--data-dir {same})" in refused.stderr, refused.stderr
    assert len((out / "predictor_records.jsonl").read_text().splitlines()) == 1  # no seed of the other table


def test_the_same_data_in_another_folder_goes_on_and_is_recorded(tmp_path, two_tables, nasloop_in_process):
    same, _ = two_tables
    moved = tmp_path / "moved"
    moved.mkdir()
    for file in same.iterdir():
        (moved / file.name).write_bytes(file.read_bytes())
    out = tmp_path / "study"
    assert _study(nasloop_in_process, out, 1, same).returncode == 0
    assert json.loads((out / "predictor_study.json").read_text())["data_dir"] == str(same)
    went_on = _study(nasloop_in_process, out, 2, moved)
    assert went_on.returncode == 0, went_on.stderr
    assert len((out / "predictor_records.jsonl").read_text().splitlines()) == 2
    assert json.loads((out / "predictor_study.json").read_text())["data_dir"] == str(moved)


def test_force_new_sets_a_study_on_other_data_aside(tmp_path, two_tables, nasloop_in_process):
    same, other = two_tables
    out = tmp_path / "study"
    assert _study(nasloop_in_process, out, 1, same).returncode == 0
    renewed = _study(nasloop_in_process, out, 1, other, "--force-new")
    assert renewed.returncode == 0, renewed.stderr
    assert "the predictor study on other data in" in renewed.stderr, renewed.stderr
    assert json.loads((out / "predictor_study.json").read_text())["data_dir"] == str(other)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("study.replaced-")]


def test_a_hand_edited_data_dir_is_refused_in_one_line(tmp_path, two_tables, nasloop_in_process):
    same, _ = two_tables
    out = tmp_path / "study"
    assert _study(nasloop_in_process, out, 1, same).returncode == 0
    grid = json.loads((out / "predictor_study.json").read_text())
    (out / "predictor_study.json").write_text(json.dumps({**grid, "data_dir": 5}))
    refused = _study(nasloop_in_process, out, 2, same)
    assert refused.returncode == 2 and "its data_dir is 5, not a text or null" in refused.stderr, refused.stderr
