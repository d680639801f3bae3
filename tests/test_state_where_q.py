"""A strategy's state holding what JSON cannot hold (a numpy array, a set) is named where it lies, as a tuple is.

The message said only "holds a numpy.ndarray": a user's strategy (or its predictor) keeping several arrays had to
search its whole state for the one to turn into a list.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.state_json import state_json


@pytest.mark.parametrize("state,fragment", [
    ({"rng": {"seed": 1}, "seen": np.zeros(3)}, "holds a numpy.ndarray at state['seen'], which the run store keeps"),
    ({"a": [1, {"b": {1, 2}}]}, "holds a builtins.set at state['a'][1]['b'], which the run store keeps"),
    ({"counts": [np.int64(3)]}, "holds a numpy.int64 at state['counts'][0], which the run store keeps"),
])
def test_what_json_cannot_hold_is_named_where_it_lies(state, fragment):
    with pytest.raises(ConfigError) as caught:
        state_json(state)
    assert fragment in str(caught.value) and "e.g. array.tolist()" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_numbers_numpy_gives_as_python_floats_are_stored():
    assert state_json({"best": np.float64(0.5), "flag": True}) == '{"best": 0.5, "flag": true}'
