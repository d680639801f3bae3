"""A user's state_dict that returns no dict (a list, None) is refused before the run, naming the fix: it was saved,
and the resume then called the run's store damaged ('the strategy state is not a step and a mapping; restore the
file from a backup'), blaming the file for the plugin's return value."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_predictor, register_strategy
from nasloop.engine.state_json import state_json
from nasloop.predictors.base import Predictor
from nasloop.strategies.random_search import RandomSearch


class ListState(RandomSearch):
    """Random search saving its state as a list."""

    def state_dict(self):
        return [self.rng.bit_generator.state]

    def load_state_dict(self, state):
        self.rng.bit_generator.state = state[0]


class NoneState(Predictor):
    """The mean target, its state_dict returning nothing."""

    def _fit(self, archs, y):
        self.mean = float(np.mean(y))

    def predict(self, archs):
        return np.full(len(archs), self.mean), np.ones(len(archs))

    def state_dict(self):
        return None

    def load_state_dict(self, state):
        pass


FIX = "not a dict; return a dict (super().state_dict() with your own keys added), which load_state_dict is given back"


def test_a_strategy_state_that_is_a_list_is_refused_before_the_run(tmp_path, data_dir, capsys):
    register_strategy("c8-list-state")(ListState)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "c8-list-state", "--budget", "4",
                 "--data-dir", str(data_dir), "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("nasloop search: error: the strategy's state_dict") and f"returned a list, {FIX}" in error
    assert "damaged" not in error and not run.exists()


def test_a_predictor_state_that_is_none_is_refused_as_it_is_tried(tmp_path, data_dir, capsys):
    register_predictor("c8-none-state")(NoneState)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "predictor-topk", "--predictor", "c8-none-state",
                 "--budget", "12", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "predictor 'c8-none-state', tried before the run: its state_dict returned a NoneType, " in error, error
    assert FIX in error and not run.exists()


@pytest.mark.parametrize("state", [[1, 2], None, "rng"])
def test_state_json_takes_a_dict_only(state):
    with pytest.raises(ConfigError, match=f"returned a {type(state).__name__}, not a dict"):
        state_json(state)
    assert state_json({"rng": [1, 2]}) == '{"rng": [1, 2]}'
