"""A run begun with a strategy that takes no seed, before such strategies were refused, resumes as it began: the
refusal is for new runs (whose --seed it would ignore), and the brief keeps every interrupted search resumable."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import NasloopError
from nasloop.engine.registry import register_strategy
from nasloop.engine.run_parts import build_parts
from nasloop.strategies.base import Strategy


class Unseeded(Strategy):
    """Random draws from the base class's generator, its constructor taking no seed."""

    def __init__(self, space) -> None:
        super().__init__(space)

    def ask(self, n):
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations):
        pass


def test_a_resumed_run_builds_its_unseeded_strategy_and_a_new_one_is_refused(data_dir):
    register_strategy("unseeded-resume")(Unseeded)
    config = SearchConfig(space="nb201", strategy="unseeded-resume", budget=4, data_dir=str(data_dir))
    _, strategy, _ = build_parts(config, resumed=True)
    assert isinstance(strategy, Unseeded) and len(strategy.ask(2)) == 2
    with pytest.raises(NasloopError, match="takes no seed"):
        build_parts(config)
