"""bo's GP fits on at most max_points observations and failures: an exact GP's step grows as n**3 (4.6 s at 1,000
points and growing), so past the cap it reads the best half, the most recent quarter and a fixed spread of the rest."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.objectives import pareto_mask
from nasloop.engine.types import Observation
from nasloop.strategies.bo_subset import best_first, model_rows

from .test_bo_warm_start_e8 import _told


def test_below_the_cap_every_row_is_read():
    texts = [f"a{i}" for i in range(10)]
    assert model_rows(texts, np.arange(8.0)[:, None], 10).tolist() == list(range(10))


def test_past_the_cap_the_best_the_recent_and_a_fixed_spread():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(300, 1))
    texts = [f"cell {i}" for i in range(320)]  # the last 20 failed
    rows = model_rows(texts, scores, 40)
    assert len(rows) == len(set(rows)) == 40 and list(rows) == sorted(rows)
    assert set(np.argsort(-scores[:, 0])[:20]) <= set(rows)  # the best half
    newest = [i for i in range(299, -1, -1) if i not in set(np.argsort(-scores[:, 0])[:20])][:10]
    assert set(newest) <= set(rows)  # the most recent quarter
    again = model_rows(texts + ["cell 320"], np.vstack([scores, [[-9.0]]]), 40)
    assert len(set(rows) & set(again)) >= 35  # one more point moves at most the recent and spread rows it displaces


def test_several_objectives_rank_front_by_front():
    scores = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.4, 0.4], [0.0, 0.0]])
    order = best_first(scores, 5).tolist()
    assert set(order[:3]) == {0, 1, 2} and order[3:] == [3, 4]
    assert order[0] == 0  # within a front, by the first objective
    assert best_first(scores, 2).tolist() == order[:2]


@pytest.mark.parametrize("width", [2, 3])
def test_the_fronts_are_botorchs_pareto_fronts_peeled(width):
    scores = np.round(np.random.default_rng(width).normal(size=(300, width)), 1)  # ties too
    level, left, front = 0, np.arange(300), np.zeros(300, dtype=int)
    while len(left):
        mask = pareto_mask(scores[left])
        front[left[mask]] = level
        left, level = left[~mask], level + 1
    order = best_first(scores, 300)
    assert sorted(order) == list(range(300)) and (np.diff(front[order]) >= 0).all()
    assert best_first(scores, 40).tolist() == order[:40].tolist()


def test_a_search_fits_its_gp_on_max_points():
    strategy = _told(60)
    strategy.max_points = 20
    best = max(strategy.observed.values(), key=lambda row: row[1][0])[0]
    strategy.tell([Observation(strategy.space.sample(np.random.default_rng(5)), None)])
    model, model_x = strategy._surrogate(0)
    assert model_x.shape[0] == model.train_inputs[0].shape[-2] == 20
    assert any(np.allclose(row, strategy.proposer.features([best])[0]) for row in model_x)
    assert len(strategy.ask(1)) == 1


def test_max_points_is_an_option_with_bounds():
    strategy = _told(3)
    assert strategy.config()["max_points"] == 1000
    with pytest.raises(ConfigError, match="max_points"):
        type(strategy)(strategy.space, max_points=3)
