"""A predictor whose ``predict`` comes from a mixin has its output checked as a class's own is.

Only a ``predict`` in the class's own body was wrapped: one inherited from a helper class that is no Predictor (a
user's code shared by several predictors) returned NaN unchecked to whoever read it, and the try before a run,
which reads it so, let it through to the run's first ranking.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_evaluator, register_predictor, register_search_space
from nasloop.engine.search import search
from nasloop.predictors.base import Predictor

from .digit_space import DigitSpace, DigitSum


class MeanOfDigits:
    """A user's helper shared by predictors: the mean of each architecture's digits, scaled by ``self.scale``."""

    scale = 1.0

    def predict(self, archs):
        means = np.array([np.mean(a) for a in archs]) * self.scale
        return means, np.ones(len(archs))


class ScaledMean(MeanOfDigits, Predictor):
    """Fits the scale that turns mean digits into targets."""

    def _fit(self, archs, y):
        self.scale = float(np.mean(y)) / float(np.mean([np.mean(a) for a in archs]))


class MixDigits(DigitSpace):
    name = "mq-digits"




def test_a_mixins_predict_keeps_working_when_its_output_is_good():
    space = MixDigits()
    mean, std = ScaledMean(space).fit([(1, 1, 1, 1, 1), (2, 2, 2, 2, 2)], [2.0, 4.0]).predict([(3, 3, 3, 3, 3)])
    assert mean.tolist() == pytest.approx([6.0]) and std.tolist() == [1.0]


class ZeroMean(MeanOfDigits, Predictor):
    """Scales by 0/0 whatever it is fitted on: NaN on every ranking."""

    def _fit(self, archs, y):
        self.scale = float("nan")


def test_a_mixins_nan_is_named_as_the_predictor_returns_it():
    predictor = ZeroMean(MixDigits()).fit([(1, 1, 1, 1, 1)], [1.0])
    with pytest.raises(ConfigError, match="predictor ZeroMean: predict returned 1 non-finite means for 1 "
                                          "architectures; return finite values"):
        predictor.predict([(1, 2, 3, 0, 1)])


def test_a_search_names_it_before_its_first_evaluation(tmp_path):
    register_search_space("mq-digits")(MixDigits)
    register_evaluator("mq-digit-sum")(DigitSum)
    register_predictor("mq-zero-mean")(ZeroMean)
    config = SearchConfig(space="mq-digits", evaluator="mq-digit-sum", strategy="bananas", predictor="mq-zero-mean",
                          strategy_options={"num_init": 4}, budget=8, run_dir=str(tmp_path / "run"))
    with pytest.raises(ConfigError, match="predictor mq-zero-mean: predict returned 4 non-finite means"):
        search(config)
    assert not (tmp_path / "run").exists()
