"""A warm-started bo fit whose start is finite but degenerate falls back to the full fit from the defaults.

Past WARM_START_AT rows a fit starts from the last fit's hyperparameters and takes at most MAX_WARM_FIT_STEPS. From
length scales of 1e4 (a flat kernel) the gradient vanishes and the fit stayed there, fit after fit; such a start's
marginal likelihood is worse than the defaults', so the fit now starts from the defaults instead."""
from __future__ import annotations

import numpy as np
import torch

from nasloop.strategies import bo_model

from .test_bo_warm_start_e8 import _told


def _lengthscales(fitted: bo_model.Hyperparameters) -> np.ndarray:
    return torch.nn.functional.softplus(torch.tensor(fitted["covar_module.raw_lengthscale"])).numpy()


def _flat(fitted: bo_model.Hyperparameters) -> bo_model.Hyperparameters:
    """``fitted`` with every length scale at 1e4 (softplus of 1e4 is 1e4)."""
    width = len(fitted["covar_module.raw_lengthscale"][0])
    return {**fitted, "covar_module.raw_lengthscale": [[1e4] * width]}


def test_a_search_leaves_a_degenerate_start_for_a_full_fit():
    strategy = _told(bo_model.WARM_START_AT + 20)
    strategy.dropped(strategy.ask(1))
    assert _lengthscales(strategy.fitted).max() < 10
    strategy.fitted = _flat(strategy.fitted)
    strategy.dropped(strategy.ask(1))
    assert _lengthscales(strategy.fitted).max() < 10  # it stayed at 1e4


def test_a_degenerate_start_fits_as_a_cold_fit_and_a_good_one_is_kept():
    strategy = _told(bo_model.WARM_START_AT + 20)
    rows = list(strategy.observed.values())
    x = strategy.proposer.features([a for a, _, _ in rows])
    y = np.array([s for _, s, _ in rows])
    bounds = strategy.proposer.bounds(x)
    cold = bo_model.hyperparameters(bo_model.fit_model(x, y, None, bounds, 0))
    assert bo_model.hyperparameters(bo_model.fit_model(x, y, None, bounds, 0, start=_flat(cold))) == cold
    # the cold fit's own values are a good start: kept, so the warm fit ends elsewhere than a cold one would
    nearby = {**cold, "covar_module.raw_lengthscale": [[v * 1.1 for v in cold["covar_module.raw_lengthscale"][0]]]}
    warm = bo_model.hyperparameters(bo_model.fit_model(x, y, None, bounds, 0, start=nearby))
    assert warm != cold
    assert np.allclose(_lengthscales(warm), _lengthscales(cold), rtol=0.2)
