"""A flag the command does not take names the flag it takes in its place: ``nasloop train --evaluator-opt`` (search's
spelling of train's --train-opt), ``search --train-opt``, ``train --fidelity`` and a misspelt ``--epohcs`` pointed
only at the command's help."""
from __future__ import annotations

import pytest

from nasloop.engine.cli_parser import build_parser

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


@pytest.mark.parametrize("words,hint", [
    (["train", "--arch", BEST_CELL, "--evaluator-opt", "lr=0.05"],
     "--evaluator-opt lr=0.05 (did you mean --train-opt?)"),
    (["train", "--arch", BEST_CELL, "--fidelity", "2"], "--fidelity 2 (did you mean --epochs?)"),
    (["search", "--train-opt=lr=0.05"], "--train-opt=lr=0.05 (did you mean --evaluator-opt?)"),
    (["search", "--epohcs", "2"], "--epohcs 2 (did you mean --epochs?)"),
    (["predictors", "evaluate", "--train-size", "8"], "--train-size 8 (did you mean --train-sizes?)")])
def test_an_unknown_flag_names_the_one_the_command_takes(capsys, words, hint):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(words)
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and f"unrecognized arguments: {hint} (see 'nasloop {words[0]}" in error


def test_a_flag_like_no_other_gets_no_guess(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["search", "--bogus"])
    assert "unrecognized arguments: --bogus (see 'nasloop search --help')" in capsys.readouterr().err
