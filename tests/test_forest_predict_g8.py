"""The forest converts its feature matrix to the trees' float32 once a predict: each of its 300 trees converting and
checking NB201's (15,625, 87) matrix again took 4.1 of the 6.0 s of a predict. The trees' predictions stay those of
scikit-learn's checked path."""
from __future__ import annotations

import numpy as np
from sklearn.tree import DecisionTreeRegressor

from nasloop.engine.registry import PREDICTORS
from nasloop.search_spaces.nb201 import NB201Space


def _fitted(nb201_context):
    space = NB201Space()
    cells = list(dict.fromkeys(space.sample(np.random.default_rng(seed)) for seed in range(400)))
    targets = nb201_context.benchmark.metric_values(cells, "cifar10", "val_accuracy")
    forest = PREDICTORS.get("forest")(space, context=nb201_context, trees=40)
    forest.fit(cells[:30], targets[:30])
    return forest, cells[30:]


def test_each_tree_reads_one_float32_matrix_unchecked(nb201_context, monkeypatch):
    forest, pool = _fitted(nb201_context)
    seen = []
    real = DecisionTreeRegressor.predict

    def recorded(self, x, check_input=True):
        seen.append((x, check_input))
        return real(self, x, check_input=check_input)

    monkeypatch.setattr(DecisionTreeRegressor, "predict", recorded)
    forest.predict(pool)
    assert len(seen) == 40
    assert all(x is seen[0][0] and not check for x, check in seen)  # one matrix, converted and checked once
    assert seen[0][0].dtype == np.float32 and seen[0][0].flags.c_contiguous


def test_the_predictions_are_those_of_the_trees_checked_path(nb201_context):
    forest, pool = _fitted(nb201_context)
    mean, std = forest.predict(pool)
    x = forest._matrix(pool)  # float64: each tree converts and checks it itself
    per_tree = np.stack([tree.predict(x) for tree in forest._forest.estimators_])
    assert np.array_equal(mean, per_tree.mean(axis=0)) and np.array_equal(std, per_tree.std(axis=0))
    assert np.ptp(mean) > 0 and (std > 0).any()
