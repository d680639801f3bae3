"""Predictors fitted on training cells they cannot tell apart: one architecture given several times.

A model's predictions of such cells differ by float rounding alone. FLAN mapped each member's scores onto the
targets by dividing by their spread, and a blend standardised each member by its predictions' spread: rounding
divided a target's spread, and predictions (FLAN) or stds (the blend) reached millions and more.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.predictors.blend import BlendPredictor
from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.nb201.space import NB201Space

TARGETS = np.array([83.2, 76.1, 90.3, 70.0, 88.8])


@pytest.mark.parametrize("copies", [3, 5])
def test_flan_fitted_on_one_cell_given_several_times_predicts_within_its_targets(copies: int) -> None:
    space = NB201Space()
    rng = np.random.default_rng(0)
    cells = [space.sample(rng) for _ in range(20)]
    y = TARGETS[:copies]
    for cell in cells[:3]:
        mean, std = FlanPredictor(space, ensemble=2).fit([cell] * copies, y).predict(cells[10:])
        assert np.all(np.abs(mean - y.mean()) <= y.std()), (space.format(cell), mean)
        assert np.all(std <= y.std()), (space.format(cell), std)


def test_blend_fitted_on_one_cell_given_several_times_has_stds_of_the_targets_size() -> None:
    space = NB201Space()
    rng = np.random.default_rng(0)
    cells = [space.sample(rng) for _ in range(20)]
    blend = BlendPredictor(space, members={"gp": {}, "random": {}}).fit([cells[0]] * 3, TARGETS[:3])
    mean, std = blend.predict(cells[10:])
    assert np.all(np.abs(mean - TARGETS[:3].mean()) <= 3 * TARGETS[:3].std())
    assert np.all(std <= 3 * TARGETS[:3].std()), std
