"""A study's methods file is recorded by a path that names it from anywhere.

``nasloop compare --methods-file methods.yaml --out study`` recorded the name as typed: ``nasloop report A/study``
(or ``show`` on one of its runs) from another folder advised a fix "in the predictor_options of method 2 of
methods.yaml", a file that is not there. The study now records the file's path resolved against the folder compare
ran in; an older study's recorded relative name is still read, and advised as recorded.
"""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine import cli

METHODS = ("- strategy: random\n- name: forest-err\n  strategy: bananas\n  predictor: forest\n"
           "  predictor_options: {features: [jacov], missing: error}\n")
"""Random search, then a forest reading Jacobian covariance, which NB201's table lacks for some cells: refused at its
first fit, after its random start of 10 (so a budget of 11)."""

IN_FILE = "pass 'missing: impute' (in the predictor_options of method 2 of {file}) to fill them"


def _compare_in(folder: Path, data_dir: Path, capsys, monkeypatch) -> Path:
    """Run compare in ``folder`` with the methods file and the study named relative to it; the study's path."""
    folder.mkdir()
    (folder / "methods.yaml").write_text(METHODS, encoding="utf-8")
    monkeypatch.chdir(folder)
    assert cli.main(["compare", "--methods-file", "methods.yaml", "--seeds", "1", "--budget", "11", "--data-dir",
                     str(data_dir), "--out", "study", "--quiet"]) == 1
    capsys.readouterr()
    return folder / "study"


def _left_out(study: Path) -> str:
    return (study / "report.md").read_text(encoding="utf-8").partition("## Runs left out")[2]


def test_a_relative_methods_file_is_advised_by_a_path_that_exists_from_another_folder(tmp_path, data_dir, capsys,
                                                                                    monkeypatch):
    study = _compare_in(tmp_path / "a", data_dir, capsys, monkeypatch)
    elsewhere = tmp_path / "b"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    named = tmp_path / "a" / "methods.yaml"
    assert named.is_file()
    assert cli.main(["report", str(study)]) == 0
    assert IN_FILE.format(file=named) in _left_out(study), _left_out(study)
    capsys.readouterr()
    assert cli.main(["show", "--json", str(study / "runs" / "forest-err" / "seed-0")]) == 0
    reason = json.loads(capsys.readouterr().out)["stop_reason"]
    assert IN_FILE.format(file=named) in reason, reason


def test_an_older_studys_relative_methods_file_is_still_read_and_advised_as_recorded(tmp_path, data_dir, capsys,
                                                                                   monkeypatch):
    """A study recorded before paths were resolved holds the name as typed: it is reported, not refused."""
    study = _compare_in(tmp_path / "a", data_dir, capsys, monkeypatch)
    record = json.loads((study / "study.json").read_text(encoding="utf-8"))
    record["sources"]["forest-err"]["file"] = "methods.yaml"
    (study / "study.json").write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", str(study)]) == 0
    assert IN_FILE.format(file="methods.yaml") in _left_out(study), _left_out(study)
