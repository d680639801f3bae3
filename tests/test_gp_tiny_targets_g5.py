"""The GP's mean and std are in the targets' units however small their spread: below 1e-8 botorch's Standardize
left them unscaled and gpytorch floors a variance at 1e-10, so targets spread 6e-9 got stds of
0.02-0.5."""
from __future__ import annotations

import numpy as np

from nasloop.predictors.gp import GPPredictor


def test_gp_std_is_in_target_units_when_the_targets_spread_below_1e_8(nb201_split):
    space, (cells, accuracy), (others, _) = nb201_split(30, 10)
    y = accuracy * 1e-10
    mean, std = GPPredictor(space).fit(cells, y).predict(others)
    spread = float(y.std())
    assert spread < 1e-8
    assert 0.05 * spread < std.min() and std.max() < 3 * spread  # about 0.4 and 0.9 spreads, as at 1x
    assert abs(float(np.median(mean)) - float(np.median(y))) < 2 * spread
