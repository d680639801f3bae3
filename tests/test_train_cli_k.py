"""``nasloop train`` names the flag its user typed (--train-opt) when it refuses a training option: it said
"evaluator 'train' has no option 'bogus'", an evaluator the train command has no flag for."""
from __future__ import annotations

import pytest

from nasloop.engine import cli

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def _train(data_dir, *options: str) -> list[str]:
    return ["train", "--arch", CELL, "--device", "cpu", "--data-dir", str(data_dir), "--space-opt", "channels=4",
            "--space-opt", "cells=1", *[arg for option in options for arg in ("--train-opt", option)]]


def test_an_unknown_train_option_names_the_train_opt_flag_and_leaves_out_the_commands_own_flags(data_dir, capsys):
    assert cli.main(_train(data_dir, "bogus=1")) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("nasloop train: error: --train-opt bogus: nasloop train has no option 'bogus'; it takes "
                          "batch_size, lr,")
    assert "evaluator" not in err
    taken = err.split("it takes ")[1].split(" (")[0].split(", ")
    assert not {"epochs", "device", "seed"} & set(taken)  # --train-opt epochs=2 is refused: --epochs sets it


@pytest.mark.parametrize("option, refusal", [("lr=abc", "--train-opt option lr must be a number > 0"),
                                             ("batch_size=0", "--train-opt option batch_size must be an integer >= 1")])
def test_a_train_option_of_the_wrong_value_names_the_train_opt_flag(data_dir, capsys, option, refusal):
    assert cli.main(_train(data_dir, option)) == 2
    err = capsys.readouterr().err
    assert refusal in err and "evaluator 'train'" not in err


def test_compile_says_before_training_that_compiling_takes_minutes(tmp_path, capsys, isolated_cache):
    """compile=true on a CPU sat silent for about 2 minutes on a tiny epoch (a cold torch.compile of the training
    graph, then of the evaluation graph), as if it hung. A data folder without CIFAR-10 stops it before training."""
    (tmp_path / "empty").mkdir()
    assert cli.main(_train(tmp_path / "empty", "compile=true")) == 2
    err = capsys.readouterr().err
    assert "nasloop train: note: compile=true first compiles the network" in err
    assert "leave compile out of short ones" in err and "error:" in err  # the note came before the data's refusal
    assert cli.main(_train(tmp_path / "empty", "compile=false")) == 2
    assert "note:" not in capsys.readouterr().err
