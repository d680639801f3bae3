"""A strategy's ``diagnostics()`` that TensorBoard cannot plot is refused in one line naming the strategy: a string
value failed inside TensorBoard after an evaluation, 'unexpected ValueError in .../torch/utils/tensorboard/
summary.py', blaming torch. Read before the first evaluation where the strategy can say it then; a value that
turns odd only later stops the run as interrupted, to continue once the strategy is fixed."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_strategy
from nasloop.engine.store import RunStore
from nasloop.strategies.random_search import RandomSearch


class Hot(RandomSearch):
    """Says a word where a number belongs, from the start."""

    def diagnostics(self):
        return {"temp": "hot"}


class TurnsHot(RandomSearch):
    """Numbers until it has been told four results (while ``broken``), then a word."""

    broken = True
    told = 0

    def tell(self, observations):
        self.told += len(observations)

    def state_dict(self):
        return {**super().state_dict(), "told": self.told}

    def load_state_dict(self, state):
        super().load_state_dict(state)
        self.told = state["told"]

    def diagnostics(self):
        return {"temp": "hot" if self.broken and self.told > 3 else float(self.told)}


@pytest.fixture(autouse=True)
def _strategies():
    """The strategies above, registered for each test alone (conftest drops them after it)."""
    register_strategy("h3-hot")(Hot)
    register_strategy("h3-turns-hot")(TurnsHot)


def _search(strategy: str, tmp_path, data_dir) -> int:
    return main(["search", "--space", "nb201", "--strategy", strategy, "--budget", "10", "--data-dir",
                 str(data_dir), "--tensorboard", str(tmp_path / "tb"), "--run-dir", str(tmp_path / "run"),
                 "--quiet"])


def test_diagnostics_that_are_not_numbers_are_refused_before_the_run(tmp_path, data_dir, capsys):
    assert _search("h3-hot", tmp_path, data_dir) == 2
    assert capsys.readouterr().err == ("nasloop search: error: strategy h3-hot: diagnostics() returned 'temp': 'hot'; "
                                       "its values must be numbers, which --tensorboard plots, under names that are "
                                       "strings\n")
    assert not (tmp_path / "run").exists() and not (tmp_path / "tb").exists()


def test_diagnostics_that_turn_odd_mid_run_leave_it_to_resume_once_fixed(tmp_path, data_dir, capsys):
    try:
        assert _search("h3-turns-hot", tmp_path, data_dir) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "strategy h3-turns-hot: diagnostics() returned 'temp': 'hot'" in err, err
        assert err.endswith(f"; once fixed, continue with 'nasloop search --resume {tmp_path / 'run'}'\n"), err
        with RunStore.in_run_dir(tmp_path / "run", readonly=True) as store:
            assert store.get_meta("status") == "interrupted"
        TurnsHot.broken = False
        assert main(["search", "--resume", str(tmp_path / "run"), "--quiet"]) == 0, capsys.readouterr().err
        with RunStore.in_run_dir(tmp_path / "run", readonly=True) as store:
            assert store.get_meta("status") == "finished" and store.counts()["evaluations"] == 10
    finally:
        TurnsHot.broken = True
