"""Two method names equal but for letter case get run folders that differ on case-insensitive file systems too."""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.store import DB_NAME
from nasloop.engine.study_methods import folder_name


def compare(study: Path, data_dir: Path, methods: list[str]) -> int:
    """A one-seed study of ``methods`` (names of random search), written in a methods file."""
    path = study.with_name("methods.yaml")
    path.write_text("".join(f'- {{name: "{name}", strategy: random}}\n' for name in methods), encoding="utf-8")
    return main(["compare", "--methods-file", str(path), "--seeds", "1", "--budget", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"])


def test_names_equal_but_for_case_get_distinct_folders(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'Evolution' and 'evolution' ran in runs/Evolution and runs/evolution: one folder on macOS and Windows, where
    the second method's runs failed ('already holds a run') or were read as the first's."""
    study = tmp_path / "study"
    assert compare(study, data_dir, ["Évolution", "évolution", "evolution"]) == 0
    folders = json.loads((study / "study.json").read_text())["folders"]
    assert folders["Évolution"] == "Évolution" and folders["evolution"] == "evolution"  # the first keeps its name
    assert folders["évolution"].startswith("évolution-")
    assert len({name.casefold() for name in folders.values()}) == 3
    for name in folders.values():
        assert (study / "runs" / name / "seed-0" / DB_NAME).is_file()
    assert "left out" not in capsys.readouterr().err


def test_a_recorded_folder_stays_and_a_new_name_equal_but_for_case_gets_another(tmp_path: Path, data_dir: Path,
                                                                                 capsys) -> None:
    """A study's recorded run folders are kept; a method added later whose folder equals one but for case gets a
    distinct one, and the study's runs are all reported."""
    study = tmp_path / "study"
    assert compare(study, data_dir, ["evolution"]) == 0
    made = (study / "runs" / "evolution" / "seed-0" / DB_NAME).stat().st_mtime_ns
    assert compare(study, data_dir, ["evolution", "EVOLUTION"]) == 0
    folders = json.loads((study / "study.json").read_text())["folders"]
    assert folders["evolution"] == "evolution" and folders["EVOLUTION"].startswith("EVOLUTION-")
    assert (study / "runs" / "evolution" / "seed-0" / DB_NAME).stat().st_mtime_ns == made
    report = (study / "report.md").read_text()  # as the second compare wrote it
    assert "| EVOLUTION | 1 |" in report and "| evolution | 1 |" in report


def test_names_windows_cannot_make_or_reads_as_another_get_a_hash() -> None:
    """'aux' (a device name) made runs/aux, which Windows cannot create, and 'evolution.' made runs/evolution.,
    which Windows makes as runs/evolution: the same folder as the method 'evolution'."""
    for name in ("aux", "CON", "nul.v2", "com1", "evolution."):
        assert folder_name(name).startswith(name + "-") and len(folder_name(name)) == len(name) + 11
    assert [folder_name(name) for name in ("evolution", "console", "aux-2", "bananas:gp")] == [
        "evolution", "console", "aux-2", "bananas-gp"]


def test_a_name_with_a_line_break_is_refused_before_any_run(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'evo\\nlution' ran, and its row of report.md's tables was split in two at the line break."""
    assert compare(tmp_path / "study", data_dir, ["evo\\nlution"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "method 1 is named 'evo\\nlution', with a line break" in error
    assert not (tmp_path / "study").exists()


def test_a_name_yaml_reads_as_zero_is_kept(tmp_path: Path, data_dir: Path) -> None:
    """'name: 0' was read as no name: the method ran and was reported as 'random', its strategy."""
    methods = tmp_path / "methods.yaml"
    methods.write_text("- {name: 0, strategy: random}\n- {name: 1, strategy: random}\n")
    assert main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "2", "--out",
                 str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]) == 0
    assert json.loads((tmp_path / "study" / "study.json").read_text())["folders"] == {"0": "0", "1": "1"}


def test_an_older_studys_folders_one_on_this_file_system_are_not_credited_twice(tmp_path: Path, data_dir: Path,
                                                                                 capsys) -> None:
    """A study recorded before names equal but for case got folders apart holds runs/Evo and runs/evo, one folder
    on macOS and Windows: the report credited Evo's runs to evo too. (A link stands for such a file system here.)"""
    study = tmp_path / "study"
    assert compare(study, data_dir, ["Evo"]) == 0
    record = json.loads((study / "study.json").read_text())
    record["methods"].append({**record["methods"][0], "label": "evo"})
    record["folders"]["evo"] = "evo"
    (study / "study.json").write_text(json.dumps(record))
    if not (study / "runs" / "evo").exists():  # a file system that tells letter case apart
        (study / "runs" / "evo").symlink_to("Evo", target_is_directory=True)
    capsys.readouterr()
    assert main(["report", str(study)]) == 0
    report = (study / "report.md").read_text()
    assert "| Evo | 1 |" in report and "| evo |" not in report
    assert f"evo seed 0: {study / 'runs' / 'evo'} is the folder of method 'Evo' on this file system" in report
