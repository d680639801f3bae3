"""What a user's predictor is told when its ``predict`` returns stds no ranking can use."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError
from nasloop.predictors.baselines import ZeroCostPredictor
from nasloop.search_spaces.nb201 import NB201Space


class NegativeStd(ZeroCostPredictor):
    """A user's predictor with a bug: its spread is the negated one."""

    def predict(self, archs):
        mean, std = super().predict(archs)
        return mean, -std - 1.0


def test_negative_stds_are_named_with_the_fix_they_need() -> None:
    """It read "returned 3 negative or non-finite stds ...; return finite values": the stds were finite."""
    space = NB201Space()
    archs = [space.sample(np.random.default_rng(seed)) for seed in range(3)]
    with pytest.raises(ConfigError) as raised:
        NegativeStd(space, proxy="params").predict(archs)
    assert str(raised.value) == ("predictor NegativeStd: predict returned 3 negative or non-finite stds for 3 "
                                 "architectures; return finite values, and stds of 0 or more")
