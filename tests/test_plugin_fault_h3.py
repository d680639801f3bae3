"""A user's plugin whose output nasloop refuses once the run holds evaluations (a predictor's NaN means once fitted
on enough cells, a strategy asking for nothing) leaves the run interrupted, to continue once the plugin is fixed,
as its crash does: it was stored 'failed' with no word of --resume, though its evaluations stood and a resume of
the fixed plugin finished it."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_predictor, register_strategy
from nasloop.engine.store import RunStore
from nasloop.predictors.base import Predictor
from nasloop.strategies.random_search import RandomSearch


class Broken:
    """Whether the plugins below misbehave: the user's fix sets it False."""

    now = True


@pytest.fixture
def broken():
    """The plugins below, registered for the test alone (conftest drops them after it), while broken."""
    register_predictor("h3-late-nan")(LateNaN)
    register_strategy("h3-late-empty")(LateEmpty)
    Broken.now = True
    yield Broken
    Broken.now = True


class LateNaN(Predictor):
    """NaN means once fitted on more than 12 architectures (while broken)."""

    def _fit(self, archs, y):
        self.seen = len(archs)

    def predict(self, archs):
        means = np.arange(len(archs), dtype=float)
        if Broken.now and self.seen > 12:
            means[:] = np.nan
        return means, np.ones(len(archs))


class LateEmpty(RandomSearch):
    """Asks for nothing from its fourth ask on (while broken)."""

    asked = 0

    def ask(self, n):
        self.asked += 1
        return [] if Broken.now and self.asked > 3 else super().ask(n)


@pytest.mark.parametrize("how, said", [
    (["--strategy", "predictor-topk", "--predictor", "h3-late-nan"],
     "predictor h3-late-nan: predict returned 15609 non-finite means for 15609 architectures; return finite values"),
    (["--strategy", "h3-late-empty"], "strategy h3-late-empty: ask(1) returned no architectures; return a list of "
                                      "one architecture")])
def test_a_plugin_refused_mid_run_leaves_it_to_resume_once_fixed(how, said, broken, tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", *how, "--budget", "30", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 2
    again = f"once fixed, continue with 'nasloop search --resume {run}'"
    *notes, error = capsys.readouterr().err.splitlines()  # (the predictor's unsaved state is noted)
    assert error == f"nasloop search: error: {said}; {again}" and all(": note: " in line for line in notes)
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "interrupted" and store.get_meta("stop_reason") == f"{said}; {again}"
        assert 0 < store.counts()["evaluations"] < 30
    broken.now = False
    assert main(["search", "--resume", str(run), "--quiet"]) == 0, capsys.readouterr().err
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "finished" and store.counts()["evaluations"] == 30
