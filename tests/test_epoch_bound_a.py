"""An epoch count beyond any published schedule is refused in one line before anything trains: 100,000 epochs (a
typo) passed the bound and ``nasloop train`` or ``search --evaluator train`` trained on for days, where a table's
search refuses a fidelity its table lacks ("available: 12, 200")."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import search

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


@pytest.fixture
def no_data(tmp_path, isolated_cache):
    """A data folder without CIFAR-10: code that let the count through fails on the data, never trains for days."""
    (tmp_path / "empty").mkdir()
    return str(tmp_path / "empty")


def test_train_refuses_100000_epochs_in_one_line_saying_why(capsys, no_data):
    with pytest.raises(SystemExit) as stop:
        main(["train", "--arch", BEST_CELL, "--epochs", "100000", "--device", "cpu", "--data-dir", no_data])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "--epochs: must be <= 10000" in error and "published schedules" in error


@pytest.mark.parametrize("flags", [["--fidelity", "100000"], ["--evaluator-opt", "epochs=100000"]])
def test_a_train_search_refuses_100000_epochs_before_its_run_folder(tmp_path, no_data, capsys, flags):
    run = tmp_path / "run"
    assert main(["search", "--evaluator", "train", *flags, "--budget", "1", "--data-dir", no_data,
                 "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "<= 10000" in error and "100000" in error
    assert not run.exists()


def test_the_longest_published_schedule_is_still_accepted(tmp_path, data_dir):
    config = SearchConfig(evaluator="train", fidelity=1800, budget=1, data_dir=str(data_dir),
                          evaluator_options={"warmup_epochs": 2000.0}, run_dir=str(tmp_path / "run"))
    with pytest.raises(ConfigError, match="warmup_epochs=2000 is longer than the 1800 epoch"):
        search(config)  # 1,800 passed the bound and reached the next check, which refuses before anything trains
