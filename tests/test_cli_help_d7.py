"""Every ``--help`` a user reads fits an 80-column terminal and names what each argument is."""
from __future__ import annotations

import argparse

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_parser import build_parser

from .messages import one_line


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """``parser`` and every (sub)command parser below it."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += _parsers(child)
    return found


def test_every_help_fits_an_80_column_terminal(monkeypatch):
    # The top-level usage line and its 'positional arguments' listed all 13 commands in braces, 104 and 119
    # characters wide: a terminal of 80 wrapped them mid-word.
    monkeypatch.setenv("COLUMNS", "80")
    for parser in _parsers(build_parser()):
        wide = [line for line in parser.format_help().splitlines() if len(line) > 80]
        assert wide == [], (parser.prog, wide)


def test_a_flag_before_no_command_is_still_named_with_the_missing_command(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--bogus"])
    assert exited.value.code == 2
    one_line(capsys.readouterr().err.strip(), "unrecognized arguments: --bogus", "and no command",
             "nasloop [--plugin FILE] COMMAND")
