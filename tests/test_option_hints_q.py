"""A plugin whose constructor has one hint that only a type checker resolves still has its other options checked.

One hint naming what the file imports under ``if TYPE_CHECKING:`` made ``typing.get_type_hints`` raise, and nasloop
then checked none of the plugin's options: ``batch: Annotated[int, Range(1, 8)]`` took 1000 unseen, and ``'three'``
failed mid-run as Python's TypeError, after the run's folder existed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.options import Range, describe_options
from nasloop.engine.registry import register_evaluator, register_search_space, register_strategy
from nasloop.engine.search import search
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace, DigitSum

if TYPE_CHECKING:  # as a plugin author types a parameter for their editor only
    from collections.abc import Callable


class Batched(RandomSearch):
    """Random search with a bounded option beside one whose hint only a type checker resolves."""

    def __init__(self, space, seed: int = 0, batch: Annotated[int, Range(1, 8)] = 2,
                 on_pick: Callable[[object], None] | None = None) -> None:
        super().__init__(space, seed)
        self.batch, self.on_pick = batch, on_pick


class HintDigits(DigitSpace):
    name = "hq-digits"


@pytest.mark.parametrize("batch,got", [(1000, "got 1000"), ("three", "got 'three'"), (2.5, "got 2.5")])
def test_an_option_beside_an_unresolvable_hint_is_checked(batch, got):
    with pytest.raises(ConfigError, match=f"option batch must be an integer >= 1 and <= 8, {got}"):
        Batched(HintDigits(), batch=batch)


def test_the_unresolvable_hint_alone_takes_any_value():
    strategy = Batched(HintDigits(), batch=3, on_pick=print)
    assert strategy.config() == {"batch": 3, "on_pick": print}
    assert dict((name, takes) for name, takes, _ in describe_options(Batched)) == {
        "batch": "an integer >= 1 and <= 8", "on_pick": "any value"}


def test_a_search_refuses_the_option_before_its_folder_exists(tmp_path):
    register_search_space("hq-digits")(HintDigits)
    register_evaluator("hq-digit-sum")(DigitSum)
    register_strategy("hq-batched")(Batched)
    config = SearchConfig(space="hq-digits", evaluator="hq-digit-sum", strategy="hq-batched",
                          strategy_options={"batch": 1000}, budget=4, run_dir=str(tmp_path / "run"))
    with pytest.raises(ConfigError, match="strategy 'hq-batched' option batch must be an integer >= 1 and <= 8"):
        search(config)
    assert not (tmp_path / "run").exists()
