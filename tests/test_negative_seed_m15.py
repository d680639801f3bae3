"""A negative seed given to a built-in strategy or predictor built in Python is refused in one line, as the CLI's
``--seed`` is: ``RegularizedEvolution(space, seed=-1)`` failed inside numpy in a bare ValueError ('expected
non-negative integer'), and the MLP ensemble took it without a word."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import PREDICTORS, STRATEGIES
from nasloop.search_spaces.nb201.space import NB201Space

BUILT_IN = [("strategy", name) for name in ("random", "evolution", "local", "predictor-topk", "bananas", "bo")] + \
    [("predictor", name) for name in ("flan", "forest", "gp", "mlp", "emprox", "blend", "random", "zero-cost")]


@pytest.mark.parametrize("kind,name", BUILT_IN)
def test_a_negative_seed_is_one_line(kind, name):
    registry = STRATEGIES if kind == "strategy" else PREDICTORS
    factory = registry.get(name)
    with pytest.raises(ConfigError, match=r"seed must be an integer >= 0 .*, got -1") as refused:
        factory(NB201Space(), seed=-1)
    assert "\n" not in str(refused.value)
