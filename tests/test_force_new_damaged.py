"""``compare --force-new`` names a damaged study it sets aside as unreadable, not as a study of another grid.

Both study kinds said "the study of another grid ... is set aside" for a file that could not be read at all, so a
user looking for the grid they had changed found none."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line

SEARCH = ["--methods", "random", "--budget", "2"]
PREDICTORS = ["--predictors", "random", "--space", "nb201", "--train-sizes", "8"]


@pytest.mark.parametrize("form, grid_file", [(SEARCH, "study.json"), (PREDICTORS, "predictor_study.json")])
def test_force_new_calls_a_damaged_study_unreadable(tmp_path: Path, data_dir: Path, capsys, form, grid_file):
    study = tmp_path / "study"
    command = ["compare", *form, "--seeds", "1", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]
    assert main(command) == 0
    (study / grid_file).write_text("{broken")
    capsys.readouterr()
    assert main([*command, "--force-new"]) == 0
    (aside,) = tmp_path.glob("study.replaced-*")
    note = next(line for line in capsys.readouterr().err.splitlines() if "set aside" in line)
    one_line(note, "that is not readable", str(study), str(aside))
    assert "another grid" not in note
