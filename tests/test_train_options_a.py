"""Training options that measure nothing are refused in one line before anything trains: ``lr=0`` moved no weight,
and the untrained network's accuracy was reported as the trained one's; ``momentum=1e300`` and
``weight_decay=1e300`` failed inside torch's SGD ("unexpected RuntimeError ... the traceback is in"), and a momentum
of 1 or more (9 for 0.9) never lets the velocity decay."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


@pytest.fixture
def no_data(tmp_path, isolated_cache):
    """A data folder without CIFAR-10: code that let the option through fails on the data, and never trains."""
    (tmp_path / "empty").mkdir()
    return str(tmp_path / "empty")


@pytest.mark.parametrize("command", [["train", "--arch", BEST_CELL, "--train-opt", "lr=0"],
                                     ["search", "--evaluator", "train", "--evaluator-opt", "lr=0", "--budget", "1"]])
def test_a_learning_rate_of_zero_is_refused(tmp_path, capsys, no_data, command):
    assert main([*command, "--device", "cpu", "--data-dir", no_data, *(["--run-dir", str(tmp_path / "run")]
                                                                       if command[0] == "search" else [])]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "option lr must be a number > 0" in error and "got 0" in error
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("option,refusal", [("momentum=1e300", "momentum must be a number >= 0 and < 1, got 1e+300"),
                                            ("momentum=1", "momentum must be a number >= 0 and < 1, got 1"),
                                            ("weight_decay=1e300", "weight_decay must be a number >= 0 and <= 1e+30")])
def test_sgd_factors_torch_cannot_apply_are_refused(capsys, no_data, option, refusal):
    assert main(["train", "--arch", BEST_CELL, "--train-opt", option, "--device", "cpu", "--data-dir", no_data]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and refusal in error


def test_train_refuses_replicates_it_would_not_train(capsys, no_data):
    """nasloop train trained and reported one network for replicates=3, without a word."""
    assert main(["train", "--arch", BEST_CELL, "--train-opt", "replicates=3", "--device", "cpu", "--data-dir",
                 no_data]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "replicates=3 is read by a search" in error and "drop it" in error


def test_an_image_side_no_machine_decodes_is_refused(tmp_path):
    """resolution=100000 decoded each image of the folder to 30 GB, and the kernel killed nasloop without a word."""
    from nasloop.engine.context import RunContext
    from nasloop.engine.errors import ConfigError
    from nasloop.engine.evaluators.train import TrainingEvaluator
    from nasloop.search_spaces.nb201 import NB201Space

    here = RunContext(dataset="imagenet", data_dir=str(tmp_path))
    with pytest.raises(ConfigError, match="option resolution must be an integer >= 8 and <= 1024, got 100000"):
        TrainingEvaluator(NB201Space(channels=4, cells=1), here, resolution=100_000)
    assert TrainingEvaluator(NB201Space(channels=4, cells=1), here, resolution=600).resolution == 600
    # 1e-9 resized each image to 64e9 pixels a side: an unexpected OverflowError inside PIL, once training began
    with pytest.raises(ConfigError, match="option crop_fraction must be a number >= 0.1 and <= 1, got 1e-09"):
        TrainingEvaluator(NB201Space(channels=4, cells=1), here, crop_fraction=1e-9)
    with pytest.raises(ConfigError, match="option resolution must be an integer >= 8 and <= 1024, got 1"):
        TrainingEvaluator(NB201Space(channels=4, cells=1), here, resolution=1)  # refused once the run began
