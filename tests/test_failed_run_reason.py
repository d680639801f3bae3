"""A study's report says why a run failed, and ``compare`` says it once.

The report's "Runs left out" read ``failed (DIR)`` for a run stopped by an error mid-run, whose reason only the
run's own store kept (in the words of ``nasloop search``, naming ``--predictor-opt``, a flag a study refuses).
"""
from __future__ import annotations

from nasloop.engine import cli

FOREST = "bananas:forest+features=[jacov]+missing=error"
"""A forest reading Jacobian covariance, which NB201's table lacks for some cells: refused at its first fit."""


def test_the_report_names_why_a_run_failed_as_the_method_takes_the_fix(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert cli.main(["compare", "--methods", f"{FOREST},random", "--seeds", "1", "--budget", "30",
                     "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.count("feature 'jacov' is undefined or not stored (NaN)") == 1, error  # the error, not a note too
    left_out = (study / "report.md").read_text().partition("## Runs left out")[2]
    assert f"{FOREST} seed 0: failed: feature 'jacov' is undefined or not stored (NaN)" in left_out, left_out
    assert "pass '+missing=impute' (the method's option)" in left_out and "--predictor-opt" not in left_out
    assert cli.main(["report", str(study)]) == 0
    assert "(missing, unfinished, failed, damaged," in capsys.readouterr().err
    assert "failed: feature 'jacov'" in (study / "report.md").read_text()
