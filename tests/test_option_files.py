"""Options written in YAML files (``search --config``, ``compare --methods-file``): a mistake is one line."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from .messages import one_line


@pytest.mark.parametrize("command", ["search", "compare"])
def test_an_option_name_yaml_read_as_a_number_is_one_line(tmp_path: Path, data_dir: Path, capsys, command: str
                                                          ) -> None:
    """``strategy_options: {5: 1}`` holds the key 5, an int, which ended in "unexpected TypeError ... keywords
    must be strings" and a traceback file as the strategy was built."""
    if command == "search":
        (tmp_path / "c.yaml").write_text("space: nb201\nstrategy: evolution\nstrategy_options: {5: 1}\nbudget: 5\n")
        argv = ["search", "--config", str(tmp_path / "c.yaml"), "--run-dir", str(tmp_path / "run")]
    else:
        (tmp_path / "m.yaml").write_text("- {name: a, strategy: evolution, strategy_options: {5: 1}}\n")
        argv = ["compare", "--methods-file", str(tmp_path / "m.yaml"), "--seeds", "1", "--budget", "5",
                "--out", str(tmp_path / "run")]
    assert main([*argv, "--data-dir", str(data_dir), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    one_line(err, "strategy_options must be a mapping with string keys", "{5: 1}")
    assert "unexpected" not in err and not (tmp_path / "run").exists()


@pytest.mark.parametrize("method,fragments", [
    ("{name: a, strategy: bananas, predictor: gp, predictor_options: [1, 2]}",  # a TypeError with a traceback
     ["method 1's predictor_options must be a mapping of option: value", "[1, 2]"]),
    ("{name: a, strategy: evolution, strategy_options: 5}",
     ["method 1's strategy_options must be a mapping of option: value", "got 5"]),
    ("{name: a, strategy: evolution, predictor_options: {ensemble: 2}}",  # said 'drop --predictor-opt'
     ["method 1: strategy 'evolution' uses no predictor; drop its predictor_options"]),
], ids=["options a list", "options a number", "predictor options without a predictor"])
def test_a_methods_file_with_misshapen_options_is_one_line_naming_the_method(tmp_path: Path, data_dir: Path, capsys,
                                                                           method: str, fragments: list[str]) -> None:
    (tmp_path / "m.yaml").write_text(f"- {method}\n")
    argv = ["compare", "--methods-file", str(tmp_path / "m.yaml"), "--seeds", "1", "--budget", "5",
            "--out", str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]
    assert main(argv) == 2
    err = one_line(capsys.readouterr().err.strip(), "m.yaml", *fragments)
    assert "unexpected" not in err and "--predictor-opt" not in err and not (tmp_path / "study").exists()
