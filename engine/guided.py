"""Which strategies rank candidates with a predictor, and with which one: read from their constructors, so that a
plugin strategy taking a ``predictor`` is guided as nasloop's own are."""
from __future__ import annotations

from typing import Any

from .options import takes
from .registry import STRATEGIES


def predictor_of(strategy: Any, predictor: Any) -> Any:
    """The predictor a run of ``strategy`` ranks with: the one it named, else the strategy's default when it is
    predictor-guided and registered here (a plugin strategy not loaded keeps ``predictor`` as recorded)."""
    if predictor is not None or not isinstance(strategy, str) or strategy not in STRATEGIES.names():
        return predictor
    factory = STRATEGIES.get(strategy)
    return factory.default_predictor if takes(factory, "predictor") else None


def guided_strategies() -> list[str]:
    """The registered strategies that rank candidates with a predictor (take one in their constructor)."""
    return [name for name in STRATEGIES.names() if takes(STRATEGIES.get(name), "predictor")]
