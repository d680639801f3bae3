"""A plugin name equal to a built-in's but for case is refused, as an exact clash is."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import RegistryError
from nasloop.engine.registry import PREDICTORS, STRATEGIES
from nasloop.predictors.baselines import RandomPredictor
from nasloop.strategies.random_search import RandomSearch


@pytest.mark.parametrize("registry, base, name", [(STRATEGIES, RandomSearch, "Random"),
                                                   (STRATEGIES, RandomSearch, "EVOLUTION"),
                                                   (PREDICTORS, RandomPredictor, "GP")])
def test_a_name_differing_from_a_built_in_only_in_case_is_refused(registry, base, name):
    """'Random' beside 'random' was accepted: two plugins told apart by case alone, which a listing, a report or a
    '--strategy random' typed for the other reads alike."""
    with pytest.raises(RegistryError, match=f"{registry.kind} '{name}' differs only in case from the built-in "
                                            f"'{name.lower()}'; register Mine under another name"):
        registry.register(name)(type("Mine", (base,), {}))
    assert name not in registry.names()
