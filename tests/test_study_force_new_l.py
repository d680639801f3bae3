"""``compare --force-new`` says where it put the study it set aside."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line


def test_force_new_names_the_folder_the_old_study_went_to(tmp_path: Path, data_dir: Path, capsys) -> None:
    """The old study was renamed to STUDY.replaced-<time> without a word: the user had to go and find it."""
    study = tmp_path / "study"
    common = ["compare", "--methods", "random", "--seeds", "1", "--out", str(study), "--data-dir", str(data_dir),
              "--quiet"]
    assert main([*common, "--budget", "2"]) == 0
    capsys.readouterr()
    assert main([*common, "--budget", "3", "--force-new"]) == 0
    (aside,) = tmp_path.glob("study.replaced-*")
    assert (aside / "study.json").is_file()
    note = next(line for line in capsys.readouterr().err.splitlines() if "set aside" in line)
    one_line(note, str(study), str(aside))
