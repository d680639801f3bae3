"""One architecture given to ``predict`` is named as it was given: the refusal showed the list ``predict`` made of
it (a tuple cell as ``[4, 3, ...]``, a numpy row as ``[np.int64(4), ...]``), not what the caller passed."""
from __future__ import annotations

import re

import numpy as np
import pytest

from nasloop import NasloopError
from nasloop.engine.registry import PREDICTORS
from nasloop.search_spaces.nb201 import NB201Space


@pytest.mark.parametrize("name", ["random", "forest"])
def test_one_cell_given_to_predict_is_refused_as_given(name):
    space, rng = NB201Space(), np.random.default_rng(0)
    cells = [space.sample(rng) for _ in range(10)]
    predictor = PREDICTORS.get(name)(space, seed=0).fit(cells, list(rng.uniform(40, 90, len(cells))))
    for one in (cells[0], np.array(cells[0])):
        with pytest.raises(NasloopError, match=f"^predictor {name} takes a list of architectures, got one "
                                               f"architecture, {re.escape(repr(one))}; pass \\[arch\\]$"):
            predictor.predict(one)
