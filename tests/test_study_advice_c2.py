"""A failed study run's fix is advised where its method is written, by ``compare``, ``report`` and ``show`` alike.

The report gave a methods file's method the ``--methods`` form (``+missing=impute``); ``show`` on the run gave the
run's own ``--predictor-opt missing=impute``, a flag of ``nasloop search`` that ``compare`` refuses; and a study
continued in the other form (a methods file, then ``--methods``) advised its earlier method in the new form, where
that method is not written. The study records where each method is written (study.json's ``sources``).
"""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine import cli

FOREST = "bananas:forest+features=[jacov]+missing=error"
"""A forest reading Jacobian covariance, which NB201's table lacks for some cells: refused at its first fit, the
evaluation after its random start of 10 (so a budget of 11)."""

IN_FILE = "pass 'missing: impute' (in the predictor_options of method 2 of {file}) to fill them"
"""The fix of the methods file's second method, ``forest-err``."""
IN_METHODS = "pass '+missing=impute' (the method's option) to fill them"


def _compare(study: Path, data_dir: Path, capsys, *methods: str) -> str:
    """Compare ``methods`` (a --methods or --methods-file and its value) into ``study``, whose forest run fails."""
    assert cli.main(["compare", *methods, "--seeds", "1", "--budget", "11", "--data-dir", str(data_dir),
                     "--out", str(study), "--quiet"]) == 1
    return capsys.readouterr().err


def _methods_file(tmp_path: Path, forest: bool = True) -> Path:
    """A methods file listing random search, then (with ``forest``) the forest that fails as method 2."""
    path = tmp_path / "methods.yaml"
    path.write_text("- strategy: random\n" + ("- name: forest-err\n  strategy: bananas\n  predictor: forest\n"
                                              "  predictor_options: {features: [jacov], missing: error}\n"
                                              if forest else ""), encoding="utf-8")
    return path


def _left_out(study: Path) -> str:
    return (study / "report.md").read_text(encoding="utf-8").partition("## Runs left out")[2]


def _shown(run_dir: Path, capsys, monkeypatch) -> tuple[str, str]:
    """``nasloop show``'s table (wide enough to hold the reason on one line) and its --json stop reason of
    ``run_dir``."""
    monkeypatch.setenv("COLUMNS", "1000")
    assert cli.main(["show", str(run_dir)]) == 0
    table = capsys.readouterr().out
    assert cli.main(["show", "--json", str(run_dir)]) == 0
    return table, json.loads(capsys.readouterr().out)["stop_reason"]


def test_a_methods_files_failed_run_is_advised_in_its_entry_by_the_report_and_show(tmp_path, data_dir, capsys,
                                                                                    monkeypatch):
    study, path = tmp_path / "study", _methods_file(tmp_path)
    error = _compare(study, data_dir, capsys, "--methods-file", str(path))
    left_out = _left_out(study)
    assert "forest-err seed 0: failed: feature 'jacov'" in left_out, left_out
    assert "+missing" not in left_out and IN_FILE.format(file=path) in left_out, left_out
    assert IN_FILE.format(file=path) in error, error
    table, reason = _shown(study / "runs" / "forest-err" / "seed-0", capsys, monkeypatch)
    for shown in (table, reason):
        assert "--predictor-opt" not in shown, shown
    assert IN_FILE.format(file=path) in reason, reason
    assert IN_FILE.format(file=path) in table, table


def test_a_methods_run_is_advised_in_its_form_by_show(tmp_path, data_dir, capsys, monkeypatch):
    study = tmp_path / "study"
    _compare(study, data_dir, capsys, "--methods", FOREST)
    _, reason = _shown(next((study / "runs").iterdir()) / "seed-0", capsys, monkeypatch)
    assert IN_METHODS in reason and "--predictor-opt" not in reason, reason


def test_a_method_of_an_earlier_methods_file_is_advised_there_when_continued_with_methods(tmp_path, data_dir,
                                                                                          capsys):
    """Continued with --methods naming another method, the file's method (run again, failing again) was told
    '+missing=impute', an option of a --methods method that the command does not name."""
    study, path = tmp_path / "study", _methods_file(tmp_path)
    _compare(study, data_dir, capsys, "--methods-file", str(path))
    error = _compare(study, data_dir, capsys, "--methods", "random,local")
    assert IN_FILE.format(file=path) in error and "+missing" not in error, error
    assert IN_FILE.format(file=path) in _left_out(study)


def test_a_methods_method_is_advised_in_its_form_when_continued_with_a_methods_file(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    _compare(study, data_dir, capsys, "--methods", FOREST)
    error = _compare(study, data_dir, capsys, "--methods-file", str(_methods_file(tmp_path, forest=False)))
    assert IN_METHODS in error and "predictor_options" not in error, error
    assert IN_METHODS in _left_out(study)
    assert cli.main(["report", str(study)]) == 0
    assert IN_METHODS in _left_out(study)


def test_a_study_from_before_sources_were_recorded_names_both_forms(tmp_path, data_dir, capsys, monkeypatch):
    """An older study.json says nowhere how its methods were given: neither form is claimed, and no flag of
    'nasloop search' is named."""
    study = tmp_path / "study"
    _compare(study, data_dir, capsys, "--methods", FOREST)
    record = json.loads((study / "study.json").read_text(encoding="utf-8"))
    del record["sources"]
    (study / "study.json").write_text(json.dumps(record), encoding="utf-8")
    assert cli.main(["report", str(study)]) == 0
    both = ("pass '+missing=impute' (the method's option; in a methods file, 'missing: impute' in its "
            "predictor_options) to fill them")
    assert both in _left_out(study)
    _, reason = _shown(next((study / "runs").iterdir()) / "seed-0", capsys, monkeypatch)
    assert both in reason and "--predictor-opt" not in reason, reason
