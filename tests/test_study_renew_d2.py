"""Following a study's advice works in one step: a method whose every run failed without a result takes new options.

A methods file's forest that failed on ``missing: error`` is advised "'missing: impute' (in the predictor_options of
method 2 of FILE)"; the same compare after that edit refused it as "run with other options", naming a new name or
``--force-new`` (the whole study set aside). Now its runs are set aside and it runs anew; a method with a result keeps
the refusal, and a method of ``--methods``, whose label carries its options, is another method when they change.
"""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine import cli
from nasloop.engine.study_grid import Study

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c

FOREST = ("- strategy: random\n- name: forest-err\n  strategy: bananas\n  predictor: forest\n"
          "  predictor_options: {{features: [jacov], missing: {missing}}}\n")
"""Random search, then a forest reading Jacobian covariance, which NB201's table lacks for some cells: with
``missing: error`` refused at its first fit, after its random start of 10 (so a budget of 11), with ``impute`` run."""


def _compare(study: Path, data_dir: Path, methods: list[str]) -> int:
    return cli.main(["compare", *methods, "--seeds", "1", "--budget", "11", "--data-dir", str(data_dir),
                     "--out", str(study), "--quiet"])


def _forest_options(study: Path) -> dict:
    record = json.loads((study / "study.json").read_text(encoding="utf-8"))
    return next(m for m in record["methods"] if m["label"] == "forest-err")["predictor_options"]


def test_a_method_whose_runs_all_failed_runs_anew_with_the_advised_option(tmp_path, data_dir, capsys):
    study, path = tmp_path / "study", tmp_path / "m.yaml"
    path.write_text(FOREST.format(missing="error"), encoding="utf-8")
    assert _compare(study, data_dir, ["--methods-file", str(path)]) == 1
    assert f"pass 'missing: impute' (in the predictor_options of method 2 of {path})" in capsys.readouterr().err
    path.write_text(FOREST.format(missing="impute"), encoding="utf-8")  # the advice followed
    # its new runs need the Ray named: one that does not answer is refused before the old runs are set aside
    assert _compare(study, data_dir, ["--methods-file", str(path), "--executor", "ray", "--ray-address",
                                      "127.0.0.1:1"]) == 2
    assert "cannot reach the Ray cluster at '127.0.0.1:1'" in capsys.readouterr().err
    assert (study / "runs" / "forest-err" / "seed-0").is_dir() and _forest_options(study)["missing"] == "error"
    # a Ctrl-C once the old runs are set aside, before the new options are recorded: the next compare goes on
    with python_ctrl_c(CtrlCAtCall(Study.to_dict.__code__)):
        assert _compare(study, data_dir, ["--methods-file", str(path)]) == 130
    err = capsys.readouterr().err
    aside = list((study / "runs").glob("forest-err.replaced-*"))
    assert len(aside) == 1 and (aside[0] / "seed-0" / "nasloop.sqlite").is_file(), err  # nothing deleted
    assert f"method 'forest-err' is run anew with its new options: its runs, which failed without a result, are " \
           f"set aside as {aside[0]} (nothing deleted)" in err
    assert _forest_options(study)["missing"] == "error" and not (study / "runs" / "forest-err").exists()
    assert _compare(study, data_dir, ["--methods-file", str(path)]) == 0
    err = capsys.readouterr().err
    assert "other options" not in err and "run anew" not in err, err  # nothing left to set aside
    assert _forest_options(study) == {"features": ["jacov"], "missing": "impute"}
    assert list((study / "runs").glob("forest-err.replaced-*")) == aside
    report = (study / "report.md").read_text(encoding="utf-8")
    assert "## Runs left out" not in report and "| forest-err | 1 |" in report, report
    # now it has a result, which other options would be mixed with: refused as before
    path.write_text(FOREST.format(missing="error"), encoding="utf-8")
    assert _compare(study, data_dir, ["--methods-file", str(path)]) == 2
    assert "method 'forest-err' was run with other options" in capsys.readouterr().err
    assert _forest_options(study)["missing"] == "impute"


def test_a_methods_method_whose_option_changes_is_another_method(tmp_path, data_dir, capsys):
    """Its label is its options: the failed one stays (run again, failing again), beside the new one."""
    study, failing = tmp_path / "study", "bananas:forest+features=[jacov]+missing=error"
    assert _compare(study, data_dir, ["--methods", failing]) == 1
    assert _compare(study, data_dir, ["--methods", failing.replace("error", "impute")]) == 1
    err = capsys.readouterr().err
    assert "run anew" not in err and "other options" not in err, err
    assert sorted(p.name for p in (study / "runs").iterdir()) == ["bananas-forest+features_jacov_+missing_error",
                                                                  "bananas-forest+features_jacov_+missing_impute"]
    assert "| bananas:forest+features=[jacov]+missing=impute | 1 |" in (study / "report.md").read_text()
