"""Every built-in predictor pickles after a fit and predicts the same once unpickled: joblib and pickle are how
researchers save scikit-learn-like models, and the forest, blend, zero-cost and EmProx predictors held local
lambdas or a local class ("Can't pickle local object 'FeatureSet._add.<locals>.<lambda>'")."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from nasloop.engine.config import construct
from nasloop.engine.registry import PREDICTORS

SMALL = {"flan": {"ensemble": 2, "steps": 5}, "mlp": {"epochs": 5}, "forest": {"trees": 10},
         "emprox": {"pretrain_samples": 100, "pretrain_epochs": 1, "finetune_steps": 5},
         "blend": {"members": {"forest": {"trees": 10}, "random": {}}},
         "gp": {"max_iter": 20}}
"""Options that keep each fit to a fraction of a second: the pickle is the point, not the model."""
BUILT_IN = ("blend", "emprox", "flan", "forest", "gp", "mlp", "random", "zero-cost")


def test_the_list_holds_every_built_in_predictor():
    built_in = {name for name in PREDICTORS.names_at_hand()
                if PREDICTORS.get(name).__module__.startswith("nasloop.predictors.")}
    assert built_in == set(BUILT_IN)


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_fitted_predictor_pickles_and_predicts_the_same_unpickled(name, nb201_split, nb201_context):
    space, (cells, y), (others, _) = nb201_split(30, 10)
    predictor = construct("predictor", name, PREDICTORS.get(name), space,
                          wiring={"context": nb201_context, "seed": 0}, **SMALL.get(name, {}))
    predictor.fit(cells, y)
    copy = pickle.loads(pickle.dumps(predictor))
    mean, std = predictor.predict(others)
    again, again_std = copy.predict(others)
    assert np.array_equal(mean, again) and np.array_equal(std, again_std)
    assert copy.config() == predictor.config()
