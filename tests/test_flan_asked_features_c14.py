"""FLAN computes supplementary features for the cells it is asked to predict, not for the whole space.

Asked for a quarter of a space or more, it scores the whole space's batched graphs at once and keeps the rows asked for;
it computed every cell's supplementary features for that too, so a user's feature function was called on all 4,930
distinct NB201 networks when 4,000 were asked, NB101's 30,001 table cells when 7,500 were, and a computed proxy would
build each network of the space. The rows not asked for are scored and dropped, so they now read zeros: each graph's
score is its own, and the predictions are those of the cells predicted a few at a time.
"""
from __future__ import annotations

import numpy as np

from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.nb201.space import NB201Space


class OpCounts:
    """A user's supplementary features: how many edges of the cell hold each of NB201's five ops; it keeps the
    cells it was called on."""

    def __init__(self) -> None:
        self.seen: set = set()

    def __call__(self, archs):
        self.seen.update(archs)
        return np.array([[sum(op == k for op in arch) for k in range(5)] for arch in archs], dtype=np.float64)


def test_a_prediction_of_a_quarter_of_the_space_computes_the_asked_cells_features_alone() -> None:
    space = NB201Space()
    cells = list(dict.fromkeys(space.canonical(a) for a in space.enumerate()))  # 4,930 networks of 15,625 cells
    order = np.random.default_rng(0).permutation(len(cells))
    train, asked = [cells[i] for i in order[:16]], [cells[i] for i in order[16:4016]]
    assert len(asked) * 4 >= space.size  # distinct networks of a quarter of the space's size: scored whole
    features = OpCounts()
    flan = FlanPredictor(space, supplementary=features, ensemble=2, steps=10)
    flan.fit(train, np.linspace(70.0, 90.0, 16))
    features.seen.clear()
    mean, std = flan.predict(asked)
    canonical = {space.canonical(a) for a in asked}
    assert features.seen <= canonical, len(features.seen - canonical)  # were all 4,930 canonical cells
    # the same predictions as the cells asked a thousand at a time (a fifteenth of the space: not scored whole)
    parts = [flan.predict(asked[i:i + 1000]) for i in range(0, len(asked), 1000)]
    assert np.allclose(mean, np.concatenate([p[0] for p in parts]), rtol=1e-5, atol=1e-6)
    assert np.allclose(std, np.concatenate([p[1] for p in parts]), rtol=1e-5, atol=1e-6)
