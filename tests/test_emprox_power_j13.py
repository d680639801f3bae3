"""EmProx's ``power``: past the bound its weights stay finite, refused in one line before anything runs."""
from __future__ import annotations

import numpy as np

from nasloop.predictors.emprox import EmProxPredictor

SMALL = {"pretrain_samples": 1500, "pretrain_epochs": 10, "finetune_steps": 60}  # as tests/test_emprox.py's


def test_a_power_past_the_bound_is_refused_in_one_line_before_the_run(nasloop_in_process, data_dir, tmp_path):
    """``power=1e300`` overflowed the weights: numpy's RuntimeWarnings came first, after 8 evaluations, then the
    refusal of the NaN means the predictor returned."""
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--space", "nb201", "--strategy", "predictor-topk", "--predictor", "emprox",
                               "--predictor-opt", "power=1e300", "--budget", "12", "--data-dir", str(data_dir),
                               "--run-dir", str(run)])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "nasloop search: error: predictor 'emprox' option power must be a number >= 0 and <= 32, got 1e+300"]
    assert not run.exists()


def test_the_largest_power_predicts_finite_means_at_distance_zero(nb201_split):
    """At the bound (``sizes.MAX_POWER``) a cell's own embedding (distance 0) weighs 1e192: finite, no overflow."""
    space, (train, y), (test, _) = nb201_split(8, 200)
    predictor = EmProxPredictor(space, seed=0, power=32, k=4, **SMALL).fit(train, y)
    with np.errstate(all="raise"):
        mean, std = predictor.predict(train + test)
    assert np.isfinite(mean).all() and np.isfinite(std).all()
    assert np.allclose(mean[:8], y)  # each training cell is its own nearest neighbour, and takes all the weight
