"""EmProx keeps the token rows and embeddings of the architectures read last, not of every one ever ranked.

A predictor-guided search on a space too big to enumerate ranks a fresh pool of candidates each round; EmProx kept
each one's embedding (its own memo) and token row (its tokenizer's, shared by the process for the pretraining's
life): each round of 5,000 DARTS candidates grew the process by 18 MB, for good.
"""
from __future__ import annotations

import numpy as np

from nasloop.predictors import emprox
from nasloop.predictors.emprox import EmProxPredictor
from nasloop.search_spaces.nb201.space import NB201Space

OPTIONS = dict(pretrain_samples=137, pretrain_epochs=1, finetune_steps=3, dim=8)  # a pretraining of this test's own


def test_rounds_of_fresh_candidates_keep_at_most_the_limit_and_predict_alike(monkeypatch):
    space, rng = NB201Space(), np.random.default_rng(0)
    train = list(dict.fromkeys(space.sample(rng) for _ in range(12)))
    y = np.linspace(60.0, 90.0, len(train))
    kept = EmProxPredictor(space, seed=3, **OPTIONS).fit(train, y)
    rounds = [[space.sample(rng) for _ in range(40)] for _ in range(3)]
    whole = [kept.predict(pool) for pool in rounds]
    emprox._PRETRAINED.clear()
    monkeypatch.setattr(emprox, "MEMO_LIMIT", 30, raising=False)
    monkeypatch.setattr(emprox, "memo_limit", lambda space, limit: limit, raising=False)  # NB201 is kept whole
    bounded = EmProxPredictor(space, seed=3, **OPTIONS).fit(train, y)
    for pool, (mean, std) in zip(rounds, whole):
        again = bounded.predict(pool)
        assert np.allclose(again[0], mean) and np.allclose(again[1], std)
        assert len(bounded._embeddings) <= 30
        assert len(bounded._pretrained.tokenizer._cache) <= 30
    emprox._PRETRAINED.clear()
