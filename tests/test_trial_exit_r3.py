"""A user's predictor calling ``sys.exit`` in its fit is refused by the trial before the run, in the trial's one
line: it ended as "unexpected SystemExit in ...", with a traceback file and exit status 1."""
from __future__ import annotations

import sys

import numpy as np

from nasloop.engine.cli import main
from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import Predictor


class ExitsInFit(Predictor):
    """Exits the process where it should fit."""

    def _fit(self, archs, y):
        sys.exit(3)

    def predict(self, archs):
        return np.zeros(len(archs)), np.ones(len(archs))


def test_a_predictor_exiting_in_its_fit_is_refused_by_the_trial(tmp_path, data_dir, capsys):
    register_predictor("r3-exits")(ExitsInFit)  # (the conftest drops it after the test)
    assert main(["search", "--strategy", "predictor-topk", "--predictor", "r3-exits", "--budget", "20",
                 "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "predictor 'r3-exits' fails when tried, before the run" in err, err
    assert not (tmp_path / "run").exists()
