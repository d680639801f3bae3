"""A plugin built by hand in a script with the wrong space, context or seed: one nasloop error naming the argument
and what it takes, not an AttributeError or ValueError from deep inside the plugin."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


def _space():
    from nasloop.search_spaces.nb201 import NB201Space

    return NB201Space()


@pytest.mark.parametrize("kind", ["forest", "flan", "gp"])
def test_a_predictor_built_on_a_space_name_names_the_space_argument(kind):
    """``ForestPredictor("nb201")`` failed with "'str' object has no attribute 'name'" (FLAN: 'graph_encodings')."""
    from nasloop.engine.registry import PREDICTORS

    with pytest.raises(NasloopError, match=r"space must be a SearchSpace, got 'nb201'$"):
        PREDICTORS.get(kind)("nb201")


def test_the_space_class_for_an_instance_is_named_with_the_call_to_make():
    """The class itself failed inside as "token() missing 1 required positional argument: 'op'"."""
    from nasloop.predictors.forest import ForestPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    with pytest.raises(NasloopError, match=r"space must be a SearchSpace, got <class .*pass an instance, NB201Space"):
        ForestPredictor(NB201Space)


def test_a_dataset_name_for_the_context_and_a_fractional_seed_are_named():
    """A string context failed as "'str' object has no attribute 'stored_proxies'"; seed 'a' as int()'s ValueError
    at the first fit, and 1.5 was silently cut to 1."""
    from nasloop.predictors.forest import ForestPredictor
    from nasloop.strategies.evolution import RegularizedEvolution

    space = _space()
    with pytest.raises(NasloopError, match=r"context must be a RunContext or null, got 'cifar10'"):
        ForestPredictor(space, context="cifar10", features=["onehot"])
    for seed in ("a", 1.5):
        with pytest.raises(NasloopError, match=rf"seed must be an integer >= 0 and <= \d+, got {seed!r}"):
            ForestPredictor(space, seed=seed, features=["onehot"])
    with pytest.raises(NasloopError, match=r"strategy RegularizedEvolution: space must be a SearchSpace"):
        RegularizedEvolution("nb201")
    assert ForestPredictor(space, seed=3, features=["onehot"]).seed == 3  # right wiring builds as before
