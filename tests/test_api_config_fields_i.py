"""SearchConfig given a field it lacks: a nasloop error naming the field and the ones it takes (README: bad input
raises a nasloop.NasloopError), as a YAML file's unknown key is."""
from __future__ import annotations

import copy
import pickle

import pytest

from nasloop import NasloopError, SearchConfig


def test_a_misspelt_field_is_a_nasloop_error_with_the_close_name():
    """SearchConfig(strategy_opt=...) (the flag's spelling) raised Python's TypeError 'unexpected keyword argument'."""
    with pytest.raises(NasloopError, match=r"^SearchConfig has no field 'strategy_opt' \(did you mean "
                                           r"strategy_options\?\); it takes: space, dataset, strategy, "):
        SearchConfig(strategy_opt={"population_size": 10})
    with pytest.raises(NasloopError, match=r"^SearchConfig has no field 'nope'; it takes: space, "):
        SearchConfig(budget=5, nope=1)


def test_a_config_copies_and_replaces_as_before():
    config = SearchConfig(budget=5, strategy_options={"population_size": 10})
    assert copy.deepcopy(config) == pickle.loads(pickle.dumps(config)) == config
    assert config.replace(budget=7).budget == 7 and config.budget == 5
