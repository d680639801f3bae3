"""The shared feature rows (feature_rows): gp and mlp read their vector encoding's rows there, as the forest reads
its features (each encoded every cell it ranked at every predict, 0.25-0.5 s on NB201, and 'predictors evaluate'
builds one per train size and seed). Counted here by the rows handed to the space's real encode_many."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.predictors import feature_rows
from nasloop.predictors.gp import GPPredictor
from nasloop.predictors.mlp import MLPEnsemblePredictor
from nasloop.search_spaces.nb201 import NB201Space


@pytest.fixture()
def encoded(monkeypatch) -> list[int]:
    """The number of architectures each encode_many call of NB201's encodes; no rows are kept at first."""
    feature_rows.forget_shared_rows()
    counts: list[int] = []
    real = NB201Space.encode_many

    def counted(self, archs, kind):
        counts.append(len(archs))
        return real(self, archs, kind)

    monkeypatch.setattr(NB201Space, "encode_many", counted)
    yield counts
    feature_rows.forget_shared_rows()


@pytest.mark.parametrize("factory", [lambda space: GPPredictor(space, seed=1, max_iter=20),
                                     lambda space: MLPEnsemblePredictor(space, seed=1, epochs=20)],
                         ids=["gp", "mlp"])
def test_a_second_predictor_reads_the_rows_the_first_encoded(encoded, factory):
    space = NB201Space()
    rng = np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(400)))
    train, y = cells[:20], rng.normal(size=20)
    first = factory(space)
    first.fit(train, y)
    mean, std = first.predict(cells)
    once = sum(encoded)
    assert len(cells) <= once <= len(cells) + 2  # every cell once (and a sample the feature names are counted on)
    second = factory(space)
    second.fit(train, y)
    again = second.predict(cells)
    assert sum(encoded) - once <= 1  # nothing encoded again
    assert np.array_equal(again[0], mean) and np.array_equal(again[1], std)
    assert np.isfinite(mean).all() and mean.std() > 0

