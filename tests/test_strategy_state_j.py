"""A strategy's load_state_dict failing on a missing key: the message says where the key was missing only when
it knows."""
from __future__ import annotations

from typing import Any

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.strategies.base import Strategy
from tests.digit_space import DigitSpace


class _Nested(Strategy):
    """Reads a key one level down, as a strategy keeping its best in a sub-dict does."""

    def ask(self, n: int) -> list[Any]:
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations: list[Any]) -> None:
        pass

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.best = state["best"]["score"]


def test_a_nested_missing_key_is_not_called_a_missing_top_level_key():
    """state["best"]["score"] missing was reported as 'a state without 'score'', a key the state never had at its
    top level and was never read from there."""
    strategy = _Nested(DigitSpace(), seed=0)
    state = {**strategy.state_dict(), "best": {}}
    with pytest.raises(ConfigError) as info:
        strategy.load_state_dict(state)
    message = str(info.value)
    assert message == ("strategy _Nested: load_state_dict got a state lacking a key it reads, 'score'; pass what its "
                       "state_dict() returned"), message
    assert "state without" not in message


def test_a_missing_top_level_key_is_still_named_as_such():
    strategy = _Nested(DigitSpace(), seed=0)
    with pytest.raises(ConfigError, match="load_state_dict got a state without 'best'; pass what"):
        strategy.load_state_dict(strategy.state_dict())
