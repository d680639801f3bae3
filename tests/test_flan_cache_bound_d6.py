"""FLAN's memo of graphs and canonical forms keeps the architectures read last, not every one ever ranked.

A predictor-guided search on a space too big to enumerate (NB101's 423,624 cells, DARTS) ranks a fresh pool of
candidates each round; FLAN kept each one's graph and canonical form, so RSS grew by 333 MB over 60 rounds of
5,000 NB101 candidates (74,447 entries) and kept growing.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.predictors import flan_graphs
from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space

from .nb101_small_e import small_nb101


def _targets(archs: list) -> np.ndarray:
    return np.array([len(str(a)) % 7 + i / len(archs) for i, a in enumerate(archs)])  # any distinct values


def _unseen(space: NB201Space, count: int, seen: set, rng: np.random.Generator) -> list:
    out: list = []
    while len(out) < count:
        arch = space.sample(rng)
        if arch not in seen:
            seen.add(arch)
            out.append(arch)
    return out


def test_rounds_of_fresh_candidates_keep_at_most_the_limit_and_the_training_cells(monkeypatch):
    monkeypatch.setattr(flan_graphs, "CACHE_LIMIT", 24, raising=False)  # the old memo had no limit
    space, rng, seen = NB201Space(), np.random.default_rng(0), set()
    train = _unseen(space, 10, seen, rng)
    predictor = FlanPredictor(space, seed=0, ensemble=2, steps=3, update_steps=1).fit(train, _targets(train))
    cache = predictor._cache(predictor.views[0])
    for _ in range(4):  # a round: rank 20 new candidates (far under a quarter of the space), then refit
        predictor.predict(_unseen(space, 20, seen, rng))
        predictor.update(train[:1], _targets(train[:1]))
        assert len(cache._graphs) <= 24 and len(cache._read) <= 24
    kept = cache.graphs(predictor._canonical(train))
    predictor.update(train[:1], _targets(train[:1]))  # the refit reads the same training graphs, not new ones
    assert all(a is b for a, b in zip(kept, cache.graphs(predictor._canonical(train))))


def test_a_fit_on_more_cells_than_the_limit_is_the_fit_with_every_graph_kept(monkeypatch):
    space, rng = NB201Space(), np.random.default_rng(1)
    archs = _unseen(space, 48, set(), rng)
    others = _unseen(space, 16, set(archs), rng)

    def fitted_prediction() -> np.ndarray:  # subsets of 16 of the 48 cells at each step
        options = dict(seed=0, ensemble=2, steps=4, batch_size=16, views="dataflow")
        return FlanPredictor(space, **options).fit(archs, _targets(archs)).predict(others)[0]

    kept = fitted_prediction()
    flan_graphs._CACHES.clear()
    monkeypatch.setattr(flan_graphs, "CACHE_LIMIT", 8)
    dropped = fitted_prediction()
    flan_graphs._CACHES.clear()
    assert np.array_equal(kept, dropped)


def test_a_space_ranked_whole_keeps_every_cell_past_the_limit(monkeypatch, data_dir, tmp_path):
    monkeypatch.setattr(flan_graphs, "CACHE_LIMIT", 1)
    small_nb101(data_dir, tmp_path)  # three cells: the whole table takes seconds to load
    space = NB101Space(context=build_context(NB101Space, "cifar10", str(tmp_path), lookup=True))
    cells = list(space.enumerate())
    predictor = FlanPredictor(space, seed=0, ensemble=1, steps=2).fit(cells[:2], [1.0, 2.0])
    cache = predictor._cache(predictor.views[0])
    first = predictor.predict(cells)  # the whole space: read every round, so none of it is dropped
    assert len(cache._read) == 3 and cache._read.limit == cache._graphs.limit == 3
    assert np.array_equal(first[0], predictor.predict(cells)[0])


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test's predictors build their own caches under its limit, and leave none behind."""
    flan_graphs._CACHES.clear()
    yield
    flan_graphs._CACHES.clear()
