"""``nasloop compare`` words every refusal of a method as the user wrote the method.

A refusal raised inside a study's run (a forest's ``missing=error`` meeting a proxy that is NaN for some cells)
named ``--predictor-opt missing=impute``, a flag ``nasloop compare`` refuses for a search study; refusals raised
while a method is built were already written in the method's form. A methods file nesting options under a
predictor's name (``{gp: {lr: 1}}``) was told to write ``gp.lr=VALUE`` and Python's ``predictor_options=...``.
"""
from __future__ import annotations

import pytest

from nasloop.engine import cli

FOREST = "bananas:forest+features=[jacov]+missing=error"
"""A method whose forest reads Jacobian covariance, which NB201's table lacks for some cells (NaN): its first fit,
mid-run, is refused under missing=error."""


def _compare(tmp_path, data_dir, capsys, methods: list[str]) -> str:
    assert cli.main(["compare", *methods, "--seeds", "1", "--budget", "30", "--data-dir", str(data_dir),
                     "--out", str(tmp_path / "study")]) == 1
    return capsys.readouterr().err


def test_a_refusal_inside_a_run_of_a_methods_method_names_its_plus_option(tmp_path, data_dir, capsys):
    error = _compare(tmp_path, data_dir, capsys, ["--methods", FOREST])
    assert "feature 'jacov' is undefined or not stored (NaN)" in error, error
    assert "pass '+missing=impute' (the method's option) to fill them, or drop that feature" in error, error
    assert "--predictor-opt" not in error, error  # in the progress line of the run too


def test_a_refusal_inside_a_run_of_a_methods_files_method_names_its_predictor_options(tmp_path, data_dir, capsys):
    methods = tmp_path / "methods.yaml"
    methods.write_text("- strategy: bananas\n  predictor: forest\n"
                       "  predictor_options: {features: [jacov], missing: error}\n")
    error = _compare(tmp_path, data_dir, capsys, ["--methods-file", str(methods)])
    assert (f"pass 'missing: impute' (in the predictor_options of method 1 of {methods}) to fill them, or drop that "
            "feature") in error, error
    assert "--predictor-opt" not in error, error


@pytest.mark.parametrize("predictor,nested,advice", [
    ("gp", "{gp: {lr: 1}}", "predictor_options 'gp: {lr: 1}' nests options under its predictor's name, which a "
                            "method does not read; write them unnested, e.g. 'lr: 1' in its predictor_options"),
    ("gp", "{flan: {lr: 1}}", "predictor_options 'flan: {lr: 1}' is for predictor 'flan', which the method does not "
                              "use (it ranks with gp); drop it, or write predictor: flan and 'lr: 1' in its "
                              "predictor_options"),
    ("blend", "{gp: {lr: 1}}", "predictor_options 'gp: {lr: 1}' names predictor 'gp', and blend passes its members "
                               "only the options inside its members option; write 'members: {gp: {lr: 1}, ...}' in "
                               "its predictor_options, listing every member"),
], ids=["its-own", "another", "a-blends-member"])
def test_options_nested_under_a_predictor_in_a_methods_file_are_refused_in_its_words(tmp_path, capsys, predictor,
                                                                                     nested, advice):
    methods = tmp_path / "methods.yaml"
    methods.write_text(f"- strategy: bananas\n  predictor: {predictor}\n  predictor_options: {nested}\n")
    assert cli.main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "4",
                     "--out", str(tmp_path / "study")]) == 2
    error = capsys.readouterr().err
    assert error == f"nasloop compare: error: {methods}: method 1: {advice}\n"
    assert not (tmp_path / "study").exists()
