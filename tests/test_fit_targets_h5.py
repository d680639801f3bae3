"""Targets as fit and update take them: copied (the caller's array edited after the fit moved what EmProx and a blend
predict) and read from any iterable, a generator too, as architectures are."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError
from nasloop.predictors.blend import BlendPredictor
from nasloop.predictors.emprox import EmProxPredictor
from nasloop.predictors.baselines import RandomPredictor
from nasloop.search_spaces.nb201 import NB201Space

TINY_EMPROX = {"dim": 4, "pretrain_samples": 10, "pretrain_epochs": 1, "finetune_steps": 0, "k": 3}
"""An EmProx that fits in a fraction of a second: its neighbours' targets are what the test reads."""


@pytest.fixture(scope="module")
def cells(nb201_split):
    space, (train_x, train_y), (test_x, _) = nb201_split(12, 20)
    return space, train_x, train_y, test_x


@pytest.mark.parametrize("build", [
    lambda space, context: EmProxPredictor(space, **TINY_EMPROX),
    lambda space, context: BlendPredictor(space, context=context, members={"zero-cost": {}, "random": {}}),
], ids=["emprox", "blend"])
def test_predictions_stay_put_when_the_caller_edits_its_targets(cells, nb201_context, build):
    space, train_x, train_y, test_x = cells
    targets = np.array(train_y, dtype=np.float64)
    predictor = build(space, nb201_context).fit(train_x, targets)
    before = predictor.predict(test_x)
    saved = predictor.state_dict()["y"]
    targets -= targets.mean()  # the caller's own array, standardised after the fit
    targets[0] = 1e6
    after = predictor.predict(test_x)
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
    assert predictor.state_dict()["y"] == saved == list(train_y)
    extra = np.array([50.0])
    predictor.update(test_x[:1], extra)
    extra[0] = -1e6  # nor does an update keep the caller's array
    assert predictor.state_dict()["y"][-1] == 50.0


def test_targets_may_come_from_any_iterable_as_architectures_do(cells):
    space, train_x, train_y, test_x = cells
    listed = RandomPredictor(space).fit(train_x, list(train_y)).predict(test_x)
    generated = RandomPredictor(space).fit((a for a in train_x), (float(v) for v in train_y)).predict(test_x)
    assert np.array_equal(listed[0], generated[0])
    with pytest.raises(ConfigError, match="got 12 architectures but 11 targets"):  # still counted
        RandomPredictor(space).fit(train_x, (float(v) for v in train_y[1:]))
    with pytest.raises(ConfigError, match="targets must be numbers"):
        RandomPredictor(NB201Space()).fit(train_x, (str(v) + "%" for v in train_y))
