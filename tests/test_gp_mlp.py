"""The GP and MLP-ensemble predictors on the real NB201 table."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import PREDICTORS
from nasloop.predictors.gp import GPPredictor
from nasloop.predictors.mlp import MLPEnsemblePredictor
from nasloop.search_spaces.nb201 import NB201Space

FAST_MLP = {"epochs": 60, "update_epochs": 10}  # keeps the file within its time budget


@pytest.fixture(scope="module")
def split(nb201_split):
    """200 training cells, 10 more to update with, 2,000 test cells; CIFAR-10 validation accuracy."""
    return nb201_split(200, 10, 2000)


@pytest.fixture(scope="module", params=["gp", "mlp"])
def fitted(request, split):
    space, (train_x, train_y), _, _ = split
    options = FAST_MLP if request.param == "mlp" else {"max_iter": 50}
    return request.param, options, PREDICTORS.get(request.param)(space, seed=3, **options).fit(train_x, train_y)


def test_ranks_held_out_cells_far_better_than_chance_with_positive_std(fitted, split):
    name, _, predictor = fitted
    *_, (test_x, test_y) = split
    mean, std = predictor.predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic > 0.3, name  # chance is 0; both reach about 0.5
    assert (std > 0).all() and np.isfinite(mean).all()
    assert abs(np.median(mean) - np.median(test_y)) < 5  # in target units, not standardised ones


def test_state_dict_round_trip_predicts_identically_and_is_repeatable(fitted, split):
    name, options, predictor = fitted
    space, (train_x, train_y), (new_x, new_y), (test_x, _) = split
    other = PREDICTORS.get(name)(space, seed=3, **options)
    other.load_state_dict(predictor.state_dict())
    assert other.config() == predictor.config()
    assert np.array_equal(other.predict(test_x)[0], predictor.predict(test_x)[0])
    assert np.array_equal(other.predict(test_x)[1], predictor.predict(test_x)[1])
    again = PREDICTORS.get(name)(space, seed=3, **options).fit(train_x, train_y)
    assert np.array_equal(again.predict(test_x)[0], predictor.predict(test_x)[0])  # same seed, same model


@pytest.mark.parametrize("warm_start", [True, False])
def test_update_refits_on_the_new_results(split, warm_start):
    space, (train_x, train_y), (new_x, new_y), (test_x, _) = split
    for name, options in (("gp", {}), ("mlp", FAST_MLP)):
        predictor = PREDICTORS.get(name)(space, seed=1, warm_start=warm_start,
                                         **options).fit(train_x[:50], train_y[:50])
        before, _ = predictor.predict(new_x)
        predictor.update(new_x, new_y)
        after, _ = predictor.predict(new_x)
        assert len(predictor.state_dict()["archs"]) == 60
        # the new points are fitted: predictions move towards their true values
        assert np.abs(after - new_y).mean() < np.abs(before - new_y).mean(), (name, warm_start)


def test_warm_started_mlp_resumes_exactly_after_a_round_trip(split):
    space, (train_x, train_y), (new_x, new_y), (test_x, _) = split
    a = MLPEnsemblePredictor(space, seed=2, **FAST_MLP).fit(train_x[:40], train_y[:40])
    b = MLPEnsemblePredictor(space, seed=2, **FAST_MLP)
    b.load_state_dict(a.state_dict())
    a.update(new_x, new_y)
    b.update(new_x, new_y)
    assert np.array_equal(a.predict(test_x)[0], b.predict(test_x)[0])


@pytest.mark.parametrize("factory,options,problem", [
    (GPPredictor, {"encoding": "graph"}, "no 'graph' vector encoding; it offers: path, onehot"),
    (GPPredictor, {"max_iter": 0}, "max_iter must be an integer >= 1, got 0"),
    (MLPEnsemblePredictor, {"encoding": "adjacency"}, "no 'adjacency' vector encoding"),
    (MLPEnsemblePredictor, {"members": 1}, "members must be an integer >= 2 and <= 1000, got 1"),
    (MLPEnsemblePredictor, {"lr": -1.0}, "lr must be a number > 0 and <= 1e\\+30, got -1.0"),
])
def test_bad_options_are_refused_in_one_line(factory, options, problem):
    with pytest.raises(ConfigError, match=problem):
        factory(NB201Space(), **options)


@pytest.mark.parametrize("name", ["gp", "mlp"])
@pytest.mark.parametrize("archs,y,problem", [
    ([], [], "at least one evaluated architecture"),
    ([(3,) * 6, (2,) * 6], [90.0, float("nan")], "1 target is NaN"),
])
def test_bad_training_data_is_refused_in_one_line(name, archs, y, problem):
    predictor = PREDICTORS.get(name)(NB201Space())
    with pytest.raises(ConfigError, match=problem):
        predictor.fit(archs, y)
    with pytest.raises(ConfigError, match="predict called before fit"):
        predictor.predict([(3,) * 6])
    predictor.fit([(3,) * 6, (2,) * 6], [90.0, 80.0])
    with pytest.raises(ConfigError, match=problem):
        predictor.update(archs, y)


def test_a_gp_on_tied_targets_fits_quietly():
    """All-equal scores (a flat proxy, a plateau) are handled by Standardize; botorch's note about them is not
    something a user can act on, and the suite turns every warning into an error."""
    space = NB201Space()
    rng = np.random.default_rng(0)
    archs = [space.sample(rng) for _ in range(12)]
    mean, std = GPPredictor(space).fit(archs, np.full(12, 10.0)).predict(archs[:3])
    assert np.allclose(mean, 10.0) and (std >= 0).all()
