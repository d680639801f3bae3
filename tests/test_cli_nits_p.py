"""Small user-facing defects: a run's wall time stored only when its session ended ('show' said 0.00 s while it
ran, a kill -9 lost the session's) and changed by a resume with nothing to do; 'nasloop predictors flan' refused as
argparse's "invalid choice" where 'nasloop strategies evolution' describes the plugin; --max-seconds' overshoot
unsaid in its --help."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_parser import build_parser


def test_predictors_name_describes_the_predictor_as_strategies_name_does(capsys):
    assert main(["predictors", "gp"]) == 0
    shown = capsys.readouterr().out
    assert main(["predictors", "show", "gp"]) == 0
    assert shown.startswith("gp: ") and "options:" in shown and shown == capsys.readouterr().out
    assert main(["predictors", "nope"]) == 2
    assert "unknown predictor 'nope'; known: blend," in capsys.readouterr().err
    with pytest.raises(SystemExit):  # a misspelt subcommand is still named as one
        main(["predictors", "evalute"])
    assert "invalid choice: 'evalute' (choose from 'show', 'evaluate', 'pretrain')" in capsys.readouterr().err
    for words in (["predictors", "evaluate", "--seeds", "2"], ["predictors", "pretrain", "--space", "nb101",
                                                               "--out", "x.pt"], ["predictors"]):
        assert build_parser().parse_args(words).predictors_command == (words[1] if len(words) > 1 else None)


def test_max_seconds_help_says_the_crossing_evaluation_finishes(capsys):
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    assert "still finishes, so the cost can pass it by that evaluation's" in " ".join(capsys.readouterr().out.split())
