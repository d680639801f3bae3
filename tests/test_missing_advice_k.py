"""The advice of a predictor's ``missing=error`` fits the command that hit it.

It ended "(a search keeps its options when resumed: in a new run)" under ``nasloop predictors evaluate`` too, where
nothing is resumed. The predictor names its own fix; a search resumed with other options says itself that they take
a new run.
"""
from __future__ import annotations

from nasloop.engine import cli


def test_missing_error_advice_names_no_search_and_a_resume_says_options_take_a_new_run(tmp_path, data_dir, capsys):
    assert cli.main(["predictors", "evaluate", "--predictors", "forest", "--predictor-opt", "features=[jacov]",
                     "--predictor-opt", "missing=error", "--train-sizes", "40", "--seeds", "1", "--data-dir",
                     str(data_dir)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "feature 'jacov' is undefined or not stored (NaN)" in error, error
    assert error.endswith("pass --predictor-opt missing=impute to fill them, or drop that feature\n"), error
    assert cli.main(["search", "--resume", str(tmp_path / "run"), "--predictor-opt", "missing=impute"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.endswith("(drop --predictor-opt); other options take a new run\n"), error
