"""A blend's state loads into a blend of the same members however they were written: left out (the default
members), as a list of names, or as a mapping whose members' options are {} or null. The record compared the
option as written, so a blend built with its default members refused the state of `members={flan: {}, forest:
{}}`; each member's own state still checks that member's options."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError
from nasloop.predictors.blend import DEFAULT_MEMBERS, BlendPredictor
from nasloop.search_spaces.nb201.space import NB201Space


def _saved(state):
    """The state as the run store's JSON gives it back."""
    import json
    return json.loads(json.dumps(state))


def test_the_default_members_load_the_state_of_the_same_members_written_out():
    space = NB201Space()
    written = {name: {} for name in DEFAULT_MEMBERS}
    BlendPredictor(space).load_state_dict(_saved(BlendPredictor(space, members=written).state_dict()))
    BlendPredictor(space, members=written).load_state_dict(_saved(BlendPredictor(space).state_dict()))


@pytest.mark.parametrize("saved_with, loaded_with", [
    (["forest", "random"], {"forest": {}, "random": None}),
    ({"forest": {"trees": 300}, "random": {}}, ["forest", "random"]),  # 300: the forest's default
    ({"gp": {"encoding": "path", "max_iter": 20}, "random": {}}, {"gp": {"max_iter": 20}, "random": None})])
def test_members_written_otherwise_load_each_others_fitted_state(nb201_split, saved_with, loaded_with):
    space, (cells, y), (others, _) = nb201_split(12, 10)
    fitted = BlendPredictor(space, members=saved_with).fit(cells, y)
    loaded = BlendPredictor(space, members=loaded_with)
    loaded.load_state_dict(_saved(fitted.state_dict()))
    assert all(np.array_equal(a, b) for a, b in zip(loaded.predict(others), fitted.predict(others)))


def test_a_members_options_that_differ_are_refused_as_that_members():
    space = NB201Space()
    state = _saved(BlendPredictor(space, members={"gp": {"encoding": "onehot"}, "random": {}}).state_dict())
    with pytest.raises(ConfigError, match=r"^blend member 'gp': predictor gp: load_state_dict got a state saved with "
                                          r"encoding='onehot' \(here encoding='path'\).*in the blend's members"):
        BlendPredictor(space, members=["gp", "random"]).load_state_dict(state)
    with pytest.raises(ConfigError, match=r"^predictor blend: load_state_dict got a state saved with members="):
        BlendPredictor(space, members=["random", "gp"]).load_state_dict(state)  # its states are kept in order
