"""One architecture given where a predictor takes a list of them: named as such with the fix, not read as a list of
its parts ("architecture 1 of 6, 4") nor failed as an object that is not iterable (an NB101 cell)."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop import NasloopError


def test_an_nb201_cell_alone_is_named_as_one_architecture():
    """fit(cell, [y]) and predict(cell) read the cell's six op indices as six architectures and refused the first,
    '4', with the space's advice given twice ('pass what space.parse or space.sample returns' two times over)."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cell = (4, 3, 2, 1, 1, 0)
    with pytest.raises(NasloopError, match=r"takes a list of architectures, got one architecture, \(4, 3, 2, 1, 1, 0\)"
                                           r"; pass \[arch\]$"):
        RandomPredictor(space).fit(cell, [1.0])
    fitted = RandomPredictor(space).fit([cell, (0, 1, 2, 3, 4, 0)], [1.0, 2.0])
    assert fitted.predict([cell])[0].shape == (1,)  # a list of one cell, as before


def test_an_nb101_cell_alone_is_named_not_a_type_error():
    """An NB101 cell is not iterable: fit and predict raised Python's TypeError ''NB101Cell' object is not
    iterable'."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb101.space import NB101Space

    space = NB101Space()
    rng = np.random.default_rng(0)
    cells = [space.sample(rng) for _ in range(3)]
    with pytest.raises(NasloopError, match=r"takes a list of architectures, got one architecture, NB101Cell"):
        RandomPredictor(space).fit(cells[0], [1.0])
    fitted = RandomPredictor(space).fit(cells[1:], [1.0, 2.0])
    with pytest.raises(NasloopError, match=r"got one architecture, NB101Cell.*; pass \[arch\]$"):
        fitted.predict(cells[0])
    with pytest.raises(NasloopError, match=r"takes a list of architectures, got 7; pass a list of what space.parse"):
        fitted.predict(7)


def test_a_foreign_value_gets_the_space_advice_once():
    """The space's own error already says what to pass; the predictor's line repeated it."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    with pytest.raises(NasloopError) as caught:
        RandomPredictor(NB201Space()).fit([(0, 1, 2, 3, 4, 0), 5], [1.0, 2.0])
    assert str(caught.value).count("pass what space.parse or space.sample returns") == 1
