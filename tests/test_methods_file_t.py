"""A methods file's mistakes are refused in one line naming the file, the method and the fix, before the study
folder is made."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


def _compare(tmp_path: Path, data_dir: Path, text: str) -> int:
    methods = tmp_path / "methods.yaml"
    methods.write_text(text, encoding="utf-8")
    return main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "2", "--out",
                 str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"])


@pytest.mark.parametrize("predictor", ["[flan]", "{gp: 1}"])
def test_a_predictor_that_is_not_a_name_is_refused_in_one_line(tmp_path: Path, data_dir: Path, capsys,
                                                                predictor: str) -> None:
    """A list or a mapping as the predictor reached the registry's lookup: a TypeError and its traceback."""
    assert _compare(tmp_path, data_dir, f"- {{strategy: bananas, predictor: {predictor}}}\n") == 2
    err = capsys.readouterr().err.strip()
    one_line(err, "methods.yaml: method 1's predictor", "one predictor's name", "predictor: flan")
    assert "unexpected" not in err and "traceback" not in err
    assert not (tmp_path / "study").exists()


def test_an_option_that_is_not_a_name_is_refused_naming_the_file(tmp_path: Path, data_dir: Path, capsys) -> None:
    """``strategy_options: {1: 2}`` was refused later, in a line naming neither the file nor the method."""
    text = "- {strategy: evolution}\n- {strategy: random, strategy_options: {1: 2}}\n"
    assert _compare(tmp_path, data_dir, text) == 2
    one_line(capsys.readouterr().err.strip(),
             "methods.yaml: method 2's strategy_options must be a mapping with string keys", "{1: 2}")
    assert not (tmp_path / "study").exists()



def test_a_method_listed_twice_is_told_the_fix(tmp_path: Path, data_dir: Path, capsys) -> None:
    """It said "method 'bananas:gp' is listed twice" and no more, though the two differ in their options: neither is
    named, and an unnamed method is named after its strategy and predictor."""
    text = ("- {strategy: bananas, predictor: gp}\n"
            "- {strategy: bananas, predictor: gp, strategy_options: {num_init: 4}}\n")
    assert _compare(tmp_path, data_dir, text) == 2
    one_line(capsys.readouterr().err.strip(), "method 'bananas:gp' is listed twice in", "methods.yaml",
             "give each its own name (name: ...; an unnamed method is named strategy[:predictor])")
    assert not (tmp_path / "study").exists()
