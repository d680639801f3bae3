"""A flag given twice with two values is refused, naming both: argparse kept the last, so
``nasloop search --budget 5 --budget 10`` spent 10 evaluations without a word (only two spellings of one flag,
``--epochs 1 --fidelity 12``, were refused). Repeatable flags (``--space-opt``, ``--plugin``) still repeat."""
from __future__ import annotations

import argparse
from typing import Iterator

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_parser import build_parser
from nasloop.engine.search import summarize


def value_flags(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(command words, flag, two values it takes) of every flag that stores one value, in every command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from value_flags(child, (*words, name))
        elif type(action).__name__ == "_AliasedStore" and action.option_strings:
            values = [str(choice) for choice in action.choices][:2] if action.choices else _valid_pair(action)
            yield words, action.option_strings[-1], values


def _valid_pair(action: argparse.Action) -> list[str]:
    """Two values the flag's type takes: '2' and '3' where it takes them (most flags), else a pair inside a bounded
    type's range (--resolution from 8, --crop-fraction up to 1), so the refusal met is the repeat's, not the value's."""
    convert = action.type if callable(action.type) else str
    for pair in (["2", "3"], ["8", "16"], ["0.5", "0.25"]):
        try:
            for value in pair:
                convert(value)
        except (argparse.ArgumentTypeError, TypeError, ValueError):
            continue
        return pair
    raise AssertionError(f"{action.option_strings[-1]}: no pair of test values its type takes")


def test_every_value_flag_of_every_command_refuses_two_values(capsys):
    found = list(value_flags(build_parser()))
    assert (("search",), "--budget", ["2", "3"]) in found and (("train",), "--device", ["2", "3"]) in found
    assert (("compare",), "--budget", ["2", "3"]) in found and len({words for words, *_ in found}) >= 8
    for words, flag, (first, second) in found:
        with pytest.raises(SystemExit) as stop:
            build_parser().parse_args([*words, flag, first, flag, second])
        assert stop.value.code == 2
        error = capsys.readouterr().err.strip()
        assert "\n" not in error and f"error: {flag} " in error and f" and {flag} " in error, (words, flag, error)
        assert "two values; give it once" in error, (words, flag, error)


def test_a_search_given_two_budgets_is_refused_before_its_run_folder(tmp_path, capsys):
    run = tmp_path / "run"
    with pytest.raises(SystemExit) as stop:
        main(["search", "--budget", "5", "--budget", "10", "--run-dir", str(run), "--quiet"])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("nasloop search: error: --budget 5 and --budget 10 give --budget two values; give it once")
    assert not run.exists()


def test_the_same_value_twice_and_repeatable_flags_are_taken(tmp_path, data_dir):
    run = tmp_path / "run"
    assert main(["search", "--budget", "3", "--budget", "3", "--strategy-opt", "population_size=2",
                 "--strategy-opt", "sample_size=1", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    summary = summarize(run)
    assert summary["evaluations"] == 3
    assert summary["options"]["strategy"] == {"population_size": 2, "sample_size": 1}
