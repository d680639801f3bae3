"""A plugin whose default breaks its own hint is listed as unusable, not offered or silently left out.

``scale: int = 2.5`` is refused as the plugin is built (:func:`nasloop.engine.options.check_defaults`), yet
``nasloop strategies NAME`` listed ``default 2.5`` as any other option, and ``nasloop spaces NAME`` left the plugin
out of the strategies that work on the space without a word: its user learnt why only from a search's refusal.
"""
from __future__ import annotations

import re

from nasloop.engine import cli
from nasloop.engine.registry import register_predictor, register_search_space, register_strategy
from nasloop.predictors.baselines import RandomPredictor
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace

SCALED = ("strategy 'z-scaled' option scale defaults to 2.5, which its hint int does not take; change the default "
          "to an integer, or the hint to one that takes 2.5")
BATCHED = ("predictor 'z-batched' option batch defaults to 'all', which its hint int does not take; change the "
           "default to an integer, or the hint to one that takes 'all'")


class Digits(DigitSpace):
    name = "z-digits"


class Scaled(RandomSearch):
    """Random search with a scale whose default its own hint refuses."""

    def __init__(self, space, seed: int = 0, scale: int = 2.5) -> None:  # type: ignore[assignment]
        super().__init__(space, seed)
        self.scale = scale


class Batched(RandomPredictor):
    """Random scores with a batch whose default its own hint refuses."""

    def __init__(self, space, seed: int = 0, batch: int = "all") -> None:  # type: ignore[assignment]
        super().__init__(space, seed)
        self.batch = batch


def _register() -> None:
    register_search_space("z-digits")(Digits)
    register_strategy("z-scaled")(Scaled)
    register_predictor("z-batched")(Batched)


def test_one_plugins_listing_says_it_is_unusable_and_why(capsys):
    _register()
    assert cli.main(["strategies", "z-scaled"]) == 0
    shown = capsys.readouterr().out
    assert "  scale: an integer, default 2.5\n" in shown
    assert shown.endswith(f"\nunusable: {SCALED}\n"), shown
    assert cli.main(["predictors", "show", "z-batched"]) == 0
    assert capsys.readouterr().out.endswith(f"\nunusable: {BATCHED}\n")
    assert cli.main(["strategies", "evolution"]) == 0
    assert "unusable" not in capsys.readouterr().out


def test_the_listing_of_every_plugin_marks_it_unusable(capsys):
    _register()
    assert cli.main(["strategies"]) == 0
    shown = capsys.readouterr().out  # padded to the longest name, which other tests' plugins may lengthen
    assert re.search(rf"^z-scaled +\(unusable: {re.escape(SCALED)}\)$", shown, re.MULTILINE), shown


def test_a_space_listing_names_the_plugins_it_left_out_as_unusable_anywhere(capsys):
    _register()
    assert cli.main(["spaces", "z-digits"]) == 0
    shown = capsys.readouterr().out.split("works with (each with its default options):\n")[1].splitlines()
    strategies = next(line for line in shown if line.startswith("  strategies: "))
    assert "random" in strategies and "z-scaled" not in strategies
    left_out = next(line for line in shown if line.startswith("  left out, unusable on any space: "))
    assert f"z-scaled ({SCALED})" in left_out and f"z-batched ({BATCHED})" in left_out
    assert "evolution" not in left_out
