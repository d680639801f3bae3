"""A user's predictor cannot change the training data its base class keeps (``self._archs``, ``self._y``).

Before: a subclass's ``_update`` that sorted ``self._y`` in place or appended to ``self._archs`` (or a ``_fit``
assigning ``self._y``) changed the data the base refits on and its ``state_dict`` saves: 5 architectures beside 4
targets, the targets in another order, silently. Now the base's data are read-only views: reading works as before,
and changing them is refused at the user's line (in one line naming the attribute where nasloop raises it).
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_evaluator, register_predictor, register_search_space
from nasloop.predictors.base import Predictor

from .digit_space import DigitSpace, DigitSum


class Digits(DigitSpace):
    name = "b12-digits"


class Best(Predictor):
    """Predicts the best score seen; its subclasses below write to the base's data in one way each."""

    def _fit(self, archs, y):
        self.best = float(max(y))

    def predict(self, archs):
        return np.full(len(archs), self.best), np.ones(len(archs))


class Appends(Best):
    def _update(self, new_archs, new_y):
        self._archs.append(new_archs[0])
        self._fit(self._archs, self._y)


class Sorts(Best):
    def _update(self, new_archs, new_y):
        self._y.sort()
        self._fit(self._archs, self._y)


class Assigns(Best):
    def _fit(self, archs, y):
        self._y = y / 100.0
        super()._fit(archs, y)


class Reads(Best):
    """Works on copies of the base's data, as the refusals advise: no change to what it keeps."""

    def _update(self, new_archs, new_y):
        archs, y = list(self._archs), self._y.copy()
        archs.append(new_archs[0])
        y.sort()
        self._fit(archs[:len(y)], y)


@pytest.fixture
def data():
    space = Digits()
    rng = np.random.default_rng(0)
    return space, [space.sample(rng) for _ in range(4)], [3.0, 1.0, 2.0, 0.5]


@pytest.mark.parametrize("cls, words", [(Appends, "changes self._archs in place"), (Assigns, "assigns self._y")])
def test_writing_the_base_data_is_refused_naming_it(data, cls, words):
    space, archs, y = data
    register_predictor("b12-writer")(cls)
    predictor = cls(space)
    with pytest.raises(ConfigError, match=f"predictor b12-writer: its code {words}, the training data the base "
                                          r"class keeps .*work on a copy"):
        predictor.fit(archs[:2], y[:2]).update(archs[2:], y[2:])


def test_changing_the_targets_in_place_fails_at_that_line_and_keeps_the_data(data):
    space, archs, y = data
    predictor = Sorts(space).fit(archs[:2], y[:2])
    with pytest.raises(ValueError, match="read-only"):
        predictor.update(archs[2:], y[2:])
    state = predictor.state_dict()
    assert list(state["y"]) == y and list(state["archs"]) == [space.format(a) for a in archs]


def test_a_predictor_working_on_copies_keeps_the_pairs_it_was_given(data):
    space, archs, y = data
    predictor = Reads(space).fit(archs[:2], y[:2]).update(archs[2:], y[2:])
    state = predictor.state_dict()
    assert list(state["y"]) == y and list(state["archs"]) == [space.format(a) for a in archs]
    assert list(predictor._archs) == archs and predictor._archs[1:3] == archs[1:3] and len(predictor._archs) == 4


def test_a_search_with_such_a_predictor_stops_in_one_line(tmp_path, capsys):
    register_search_space(Digits.name)(Digits)
    register_evaluator("b12-sum")(DigitSum)
    register_predictor("b12-appends")(Appends)
    code = cli.main(["search", "--space", "b12-digits", "--evaluator", "b12-sum", "--strategy", "predictor-topk",
                     "--predictor", "b12-appends", "--budget", "20", "--run-dir", str(tmp_path / "run")])
    error = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in error
    assert "predictor b12-appends: its code changes self._archs in place" in error
