"""Two spellings of one flag given two values are refused, naming both: argparse kept the last, so
``nasloop search --epochs 1 --fidelity 12`` searched at 12 epochs without a word."""
from __future__ import annotations

import argparse
from typing import Iterator

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_parser import build_parser
from nasloop.engine.search import summarize


def aliased_flags(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(command words, flag spellings) of every flag of every command that has more than one long spelling."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from aliased_flags(child, (*words, name))
        elif len([s for s in action.option_strings if s.startswith("--")]) > 1:
            yield words, action.option_strings


def test_conflicting_epochs_and_fidelity_are_refused_in_one_line(tmp_path, capsys):
    run = tmp_path / "run"
    with pytest.raises(SystemExit) as stop:
        main(["search", "--space", "nb201", "--epochs", "1", "--fidelity", "12", "--budget", "3",
              "--run-dir", str(run), "--quiet"])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "--epochs 1 and --fidelity 12" in error and "give it once" in error
    assert not run.exists()


def test_the_same_value_under_both_spellings_is_taken(tmp_path, data_dir):
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--epochs", "12", "--fidelity", "12", "--budget", "3",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    assert summarize(run)["fidelity"] == 12


def test_every_aliased_flag_of_every_command_refuses_two_values(capsys):
    found = list(aliased_flags(build_parser()))
    assert (("search",), ["--fidelity", "--epochs"]) in found
    assert (("predictors", "evaluate"), ["--predictor", "--predictors"]) in found
    for words, (first, second, *_) in found:
        with pytest.raises(SystemExit) as stop:
            build_parser().parse_args([*words, second, "1", first, "2"])
        assert stop.value.code == 2
        error = capsys.readouterr().err.strip()
        assert "\n" not in error and f"{second} 1 and {first} 2" in error, (words, error)
    args = build_parser().parse_args(["predictors", "evaluate", "--predictors", "gp", "--predictor", "gp"])
    assert args.predictors == ["gp"] and not any(key.startswith("_") for key in vars(args))
