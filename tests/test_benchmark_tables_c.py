"""benchmarks/predictors.py's table says what its ± is, and prints none where one seed leaves no spread."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from .benchmark_scripts import load_benchmark_script


@pytest.fixture()
def predictors_script(monkeypatch):
    return load_benchmark_script("predictors", monkeypatch)


def _record(seed: int, tau: float) -> dict:
    return {"predictor": "gp", "train_size": 8, "seed": seed, "kendall_tau": tau, "fit_seconds": 0.5,
            "predict_seconds": 0.1, "precision_top5": 0.0}


def test_one_seed_prints_the_mean_alone_not_a_zero_spread(predictors_script):
    # With --seeds 1 the table read "0.246 ± 0.000", a spread of zero that one seed cannot measure.
    row = predictors_script.table([_record(0, 0.246)], [8], {}).splitlines()[2]
    assert "| 0.246 |" in row and "±" not in row


def test_several_seeds_print_the_spread_the_header_names(predictors_script):
    lines = predictors_script.table([_record(0, 0.2), _record(1, 0.4)], [8], {}).splitlines()
    half = stats.t.ppf(0.975, 1) * np.std([0.2, 0.4], ddof=1) / np.sqrt(2)  # the default: a 95 % t half-width
    assert "mean ± 95 % t half-width over seeds" in lines[0] and f"| 0.300 ± {half:.3f} |" in lines[2]
    lines = predictors_script.table([_record(0, 0.2), _record(1, 0.4)], [8], {}, spread="std").splitlines()
    assert "mean ± population std over seeds" in lines[0]
    assert "| 0.300 ± 0.100 |" in lines[2]
