"""FLAN ranks many architectures in chunks of graphs; each is scored as in one batch of them all."""
from __future__ import annotations

import numpy as np

from nasloop.predictors import flan_graphs
from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.nb201 import NB201Space


def _fitted(archs: list) -> FlanPredictor:
    targets = np.array([len(str(a)) % 7 + i / len(archs) for i, a in enumerate(archs)])  # any distinct values
    # the dataflow view: cells' longest paths differ (its graph view is 4 edges deep everywhere)
    return FlanPredictor(NB201Space(), seed=0, ensemble=2, steps=5, views="dataflow").fit(archs, targets)


def test_chunked_ranking_scores_each_cell_as_one_batch_does(monkeypatch):
    space = NB201Space()
    rng = np.random.default_rng(0)
    archs = list(dict.fromkeys(space.sample(rng) for _ in range(40)))
    predictor = _fitted(archs[:12])
    cache = predictor._cache(predictor.views[0])
    # shallow cells first, so the first chunks' own longest paths are shorter than the deepest cell's
    ranked = sorted(archs, key=lambda a: int(cache.graph(cache.read([a])[0]).depth))
    whole = predictor.predict(ranked)  # fewer than a chunk: one batch
    monkeypatch.setattr(flan_graphs, "RANK_CHUNK", 8)
    chunks = cache.chunks(predictor._canonical(ranked))
    assert len(chunks) > 1 and int(chunks[0].depth.max()) < max(int(c.depth.max()) for c in chunks)
    chunked = predictor.predict(ranked)
    assert np.allclose(chunked[0], whole[0], rtol=0, atol=1e-5) and np.allclose(chunked[1], whole[1], atol=1e-5)
