"""A method's run folder keeps the letters of its name in any script, and a study keeps the folders it made."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.store import DB_NAME

from .messages import one_line


def compare(study: Path, data_dir: Path, methods: list[str], seeds: int = 1) -> int:
    """A study of ``methods`` (names of random search), written in a methods file."""
    path = study.with_name("methods.yaml")
    path.write_text("".join(f'- {{name: "{name}", strategy: random}}\n' for name in methods), encoding="utf-8")
    return main(["compare", "--methods-file", str(path), "--seeds", str(seeds), "--budget", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"])


def test_names_in_other_scripts_keep_their_letters(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'évolution' ran in runs/_volution and 'эволюция' in runs/_: two such names shared a folder, or were refused."""
    study = tmp_path / "study"
    assert compare(study, data_dir, ["évolution", "эволюция", "случайный"]) == 0
    assert sorted(p.name for p in (study / "runs").iterdir()) == sorted(["évolution", "эволюция", "случайный"])
    assert (study / "runs" / "эволюция" / "seed-0" / DB_NAME).is_file()


def test_one_name_written_two_ways_is_refused_as_one_folder(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'é' composed and decomposed are two labels but one folder where macOS normalises names: refused, not run."""
    composed, decomposed = "évolution", unicodedata.normalize("NFD", "évolution")
    assert compare(tmp_path / "study", data_dir, [composed, decomposed]) == 2
    one_line(capsys.readouterr().err.strip(), "would share the run folder", "rename one of them")
    assert not (tmp_path / "study").exists()


def test_a_long_name_gets_a_folder_a_file_system_takes(tmp_path: Path, data_dir: Path, capsys) -> None:
    """A name past 255 bytes failed every run with 'File name too long', after the study had recorded it."""
    long_one, other = "э" * 130, "э" * 129 + "ю"
    assert compare(tmp_path / "study", data_dir, [long_one, other]) == 0
    folders = [p.name for p in (tmp_path / "study" / "runs").iterdir()]
    assert len(folders) == 2 and all(len(name.encode()) <= 96 and name.startswith("э" * 40) for name in folders)


def test_a_study_made_with_ascii_folders_keeps_its_runs_there(tmp_path: Path, data_dir: Path, capsys) -> None:
    """A study recorded before folders were (its 'évolution' runs in runs/_volution) is continued where it is."""
    study = tmp_path / "study"
    assert compare(study, data_dir, ["évolution"]) == 0
    record = json.loads((study / "study.json").read_text())
    del record["folders"]
    (study / "study.json").write_text(json.dumps(record))
    (study / "runs" / "évolution").rename(study / "runs" / "_volution")
    made = (study / "runs" / "_volution" / "seed-0" / DB_NAME).stat().st_mtime_ns
    assert compare(study, data_dir, ["évolution", "évolution2"], seeds=1) == 0
    assert (study / "runs" / "_volution" / "seed-0" / DB_NAME).stat().st_mtime_ns == made
    assert sorted(p.name for p in (study / "runs").iterdir()) == ["_volution", "évolution2"]
    assert "left out" not in capsys.readouterr().err
