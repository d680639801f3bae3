"""A FLAN state whose maps of member scores onto targets are not one finite pair per member is refused in one line.

``load_state_dict`` kept the maps as saved and predict zipped them with the members: one map for two members
predicted from the first member alone, with stds of 0; no maps failed in numpy's words ("need at least one array to
stack"); a NaN map was blamed on predict ("return finite values").
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import DataError
from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.nb201.space import NB201Space


@pytest.fixture(scope="module")
def saved():
    space, rng = NB201Space(), np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(30)))
    flan = FlanPredictor(space, ensemble=2, steps=5).fit(cells[:20], np.linspace(60.0, 90.0, 20))
    return space, cells, flan


@pytest.mark.parametrize("maps", [lambda m: m[:1], lambda m: [], lambda m: [[1.0, float("nan")], m[1]]],
                         ids=["one-for-two", "none", "nan"])
def test_a_damaged_flan_state_is_refused_in_one_line(saved, maps):
    space, _, flan = saved
    state = flan.state_dict()
    state = {**state, "flan": {**state["flan"], "maps": maps(state["flan"]["maps"])}}
    with pytest.raises(DataError, match=r"^predictor flan: load_state_dict got maps .* for its 2 members, not a "
                                        r"finite slope and intercept for each; pass what state_dict\(\) returned"):
        FlanPredictor(space, ensemble=2, steps=5).load_state_dict(state)


def test_a_whole_flan_state_still_loads_and_predicts_alike(saved):
    space, cells, flan = saved
    loaded = FlanPredictor(space, ensemble=2, steps=5)
    loaded.load_state_dict(flan.state_dict())
    assert all(np.array_equal(a, b) for a, b in zip(loaded.predict(cells[20:]), flan.predict(cells[20:])))
