"""Predictors claiming epistemic uncertainty give a std of the targets' scale where their data teach them nothing.

Fitted on targets all equal, or on one distinct cell, a forest's trees, an MLP ensemble's members and FLAN's members
agreed on one value everywhere: stds of 0 (the MLP's 1e-6), which an acquisition function (EI, UCB) reads as a model
certain of every unseen cell. The GP gave its prior's spread in units of 1 whatever the targets' size (accuracies of
85: 0.06-0.9), and a blend of them the same. Each now gives at least the targets' scale (their spread, else their
size) where its data are uninformative, in proportion to the targets; a fit on informative data keeps its own stds.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.predictors.blend import BlendPredictor
from nasloop.predictors.emprox import EmProxPredictor
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.forest import ForestPredictor
from nasloop.predictors.gp import GPPredictor
from nasloop.predictors.mlp import MLPEnsemblePredictor
from nasloop.search_spaces.nb201.space import NB201Space

FACTORIES = {
    "gp": lambda space, context: GPPredictor(space),
    "forest": lambda space, context: ForestPredictor(space, context=context, trees=50),
    "mlp": lambda space, context: MLPEnsemblePredictor(space, epochs=50),
    "flan": lambda space, context: FlanPredictor(space, context=context, ensemble=2, steps=20),
    "blend": lambda space, context: BlendPredictor(space, context=context,
                                                   members={"gp": {}, "forest": {"trees": 50}}),
}


def _cells(space: NB201Space) -> list:
    rng = np.random.default_rng(3)
    return list(dict.fromkeys(space.sample(rng) for _ in range(80)))


def _degenerate(cells: list) -> dict[str, tuple[list, np.ndarray]]:
    return {"targets all equal": (cells[:8], np.full(8, 85.0)),
            "one cell given three times, one target": ([cells[0]] * 3, np.full(3, 85.0)),
            "one cell given three times, three targets": ([cells[0]] * 3, np.array([84.0, 85.0, 86.0])),
            "one cell": (cells[:1], np.array([85.0]))}


@pytest.mark.parametrize("name", FACTORIES)
def test_an_uninformative_fit_gives_stds_of_the_targets_scale(name: str, nb201_context) -> None:
    space = NB201Space()
    cells = _cells(space)
    unseen = cells[20:]
    for case, (archs, y) in _degenerate(cells).items():
        scale = float(y.std()) or abs(float(y.mean()))
        mean, std = FACTORIES[name](space, nb201_context).fit(archs, y).predict(unseen)
        assert np.isfinite(std).all() and (std > 0).all(), (case, std)
        assert std.max() >= 0.5 * scale, (case, std.max(), scale)  # was 0 (forest, flan), 1e-6 (mlp), 0.9 (gp)
        assert np.allclose(mean, y.mean(), atol=scale)
        # in proportion to the targets: the same data in thousandths gives the same stds in thousandths
        small = FACTORIES[name](space, nb201_context).fit(archs, y / 1000).predict(unseen)[1]
        assert np.allclose(small * 1000, std, rtol=0.02), (case, (small * 1000)[:4], std[:4])


@pytest.mark.parametrize("name", FACTORIES)
def test_an_informative_fit_keeps_its_models_own_stds(name: str, nb201_context) -> None:
    space = NB201Space()
    cells = _cells(space)
    y = np.linspace(80.0, 90.0, 8)
    std = FACTORIES[name](space, nb201_context).fit(cells[:8], y).predict(cells[20:])[1]
    assert std.min() < y.std() and np.ptp(std) > 0.01 * y.std(), (std.min(), std.max())  # the model's, unfloored


def test_emprox_reports_its_neighbours_spread_not_what_it_does_not_know(nb201_context) -> None:
    """EmProx's std is the spread of its nearest neighbours' targets (not epistemic): of equal targets, its floor."""
    space = NB201Space()
    cells = _cells(space)
    predictor = EmProxPredictor(space)
    assert not predictor.epistemic_std
    std = predictor.fit(cells[:8], np.full(8, 85.0)).predict(cells[20:])[1]
    assert np.all(std < 1.0)
