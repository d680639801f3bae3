"""A predictor's ``_fit`` defined in a mixin (a training loop several predictors share) is handed copies too: only a
class's own ``_fit`` was, so one shuffling the data in place in its mixin reordered the architectures and targets
the predictor's state saves, as every ``_fit`` did before copies (``test_fit_copies_c11``)."""
from __future__ import annotations

import numpy as np

from nasloop.predictors.base import Predictor
from nasloop.search_spaces.nb201 import NB201Space


class ShufflingLoop:
    """A minibatch loop: shuffles the data it is handed in place (its last row kept where it was)."""

    def _fit(self, archs, y):
        order = np.random.default_rng(len(archs)).permutation(len(archs) - 1)
        archs[:-1] = [archs[i] for i in order]
        y[:-1] = y[:-1][order]
        self._mean = float(y.mean())


class Mean(ShufflingLoop, Predictor):
    """The mean of the targets, fitted by the mixin's loop."""

    def predict(self, archs):
        return np.full(len(archs), self._mean), np.ones(len(archs))


class Shifted(Mean):
    """A subclass of it: its parent's _fit, handed copies once."""


def test_a_mixins_fit_leaves_the_saved_data_as_fit_was_given_it():
    space = NB201Space()
    cells = [space.sample(np.random.default_rng(seed)) for seed in range(6)]
    for kind in (Mean, Shifted):
        predictor = kind(space).fit(cells, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        predictor.update([space.sample(np.random.default_rng(9))], [7.0])
        state = predictor.state_dict()
        assert state["archs"][:6] == [space.format(cell) for cell in cells]
        assert state["y"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
        assert predictor.predict(cells)[0][0] == 4.0
