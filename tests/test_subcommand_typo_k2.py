"""A misspelt subcommand of 'nasloop predictors' is named with the choices, not taken for a predictor to show.

'nasloop predictors NAME' shows NAME, so a first word not near a subcommand became 'show shwo flan', refused as
"unrecognized arguments: flan"; 'shwo' was not near 'show' to difflib (0.75) while 'evalute' was.
"""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize("typed", ["shwo", "evalute", "pretrian"])
def test_a_misspelt_subcommand_is_named_with_the_choices(capsys, typed):
    with pytest.raises(SystemExit) as exited:
        main(["predictors", typed, "flan"])
    assert exited.value.code == 2
    # argparse's "invalid choice: ..." before helper h7 named the nearest subcommand; the choices are still listed
    one_line(capsys.readouterr().err.strip(), f"unknown subcommand '{typed}' (did you mean '",
             "known: show, evaluate, pretrain")


def test_a_predictors_name_is_still_shown(capsys):
    assert main(["predictors", "flan"]) == 0
    assert "flan" in capsys.readouterr().out
