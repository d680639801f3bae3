"""A misspelt command or subcommand is one line naming the word typed and the nearest command.

argparse answered 'nasloop serch' and 'nasloop predictors evalute' with a bare "invalid choice: ... (choose from
...)", the second naming its internal dest ('argument predictors_command'), where an unknown plugin name is
answered with "did you mean".
"""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _exit_code(words: list[str]) -> int | str | None:
    """The exit status of ``nasloop WORDS``: main's return, or the usage error's exit."""
    try:
        return main(words)
    except SystemExit as exited:
        return exited.code


@pytest.mark.parametrize("words, start, meant", [
    (["serch", "--budget", "3"], "nasloop: error: unknown command 'serch'", "search"),
    (["predictor"], "nasloop: error: unknown command 'predictor'", "predictors"),
    (["predictors", "evalute", "--seeds", "1"], "nasloop predictors: error: unknown subcommand 'evalute'",
     "evaluate"),
    (["predictors", "pretrian"], "nasloop predictors: error: unknown subcommand 'pretrian'", "pretrain"),  # alone:
    # refused once the plugins, which might name a predictor so, are loaded
    (["data", "imprt", "x.csv"], "nasloop data: error: unknown subcommand 'imprt'", "import"),
])
def test_a_misspelt_command_names_the_word_and_the_nearest_command(capsys, words, start, meant):
    assert _exit_code(words) == 2
    said = one_line(capsys.readouterr().err.strip(), f"(did you mean '{meant}'?)")
    assert said.startswith(start), said
    assert "invalid choice" not in said and "_command" not in said  # argparse's words, its internal dest


def test_a_word_near_no_command_is_named_with_every_command(capsys):
    assert _exit_code(["frobnicate"]) == 2
    said = one_line(capsys.readouterr().err.strip(), "unknown command 'frobnicate'; known: search, show, export",
                    "compare, report, data", "(see 'nasloop --help')")
    assert "did you mean" not in said


def test_a_misspelt_flag_before_the_command_is_still_named_as_a_flag(capsys):
    """'nasloop --plugins x.py spaces' is the flag misspelt, not x.py a command."""
    assert _exit_code(["--plugins", "x.py", "spaces"]) == 2
    one_line(capsys.readouterr().err.strip(), "unrecognized arguments: --plugins (did you mean --plugin?)")
