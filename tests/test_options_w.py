"""A plugin's option defaults must fit their own hints, and every kind keeps each option under its own name.

``scale: int = 2.5`` was taken unseen where a user's ``scale=2.5`` is refused by the same hint; and an evaluator,
strategy, predictor or executor storing ``width`` as ``self.w`` ran and resumed, its ``config()`` failing only when a
script read it after the run (a search space was refused as built). Each is now refused as the plugin is built, in
one line naming the plugin, the option and the fix, before a run's folder exists.
"""
from __future__ import annotations

from typing import Annotated

import pytest

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.options import Range, check_defaults
from nasloop.engine.registry import (BENCHMARKS, EVALUATORS, EXECUTORS, PREDICTORS, SEARCH_SPACES, STRATEGIES,
                                     register_evaluator, register_search_space, register_strategy)
from nasloop.engine.search import search
from nasloop.predictors.baselines import RandomPredictor
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace, DigitSum


class WDigits(DigitSpace):
    name = "w-digits"


class BadSpace(DigitSpace):
    name = "w-bad-space"

    def __init__(self, length: int = 2.5) -> None:  # type: ignore[assignment]
        self.length = length


class BadStrategy(RandomSearch):
    def __init__(self, space, seed: int = 0, label: str = 3) -> None:  # type: ignore[assignment]
        super().__init__(space, seed)
        self.label = label


class BadPredictor(RandomPredictor):
    def __init__(self, space, seed: int = 0, batch: Annotated[int, Range(1, 8)] = 10) -> None:
        super().__init__(space, seed)
        self.batch = batch


class BadEvaluator(DigitSum):
    def __init__(self, space, context=None, scale: int = 2.5) -> None:  # type: ignore[assignment]
        super().__init__(space, context)
        self.scale = scale


class BadExecutor(InProcessExecutor):
    def __init__(self, retries: bool = "no") -> None:  # type: ignore[assignment]
        super().__init__()
        self.retries = retries


@pytest.mark.parametrize("build,owner,option,default,hint,takes", [
    (lambda: BadSpace(), "search space BadSpace", "length", "2.5", "int", "an integer"),
    (lambda: BadStrategy(WDigits()), "strategy BadStrategy", "label", "3", "str", "a string"),
    (lambda: BadPredictor(WDigits()), "predictor BadPredictor", "batch", "10", "Annotated[int, Range(1, 8)]",
     "an integer >= 1 and <= 8"),
    (lambda: BadEvaluator(WDigits()), "evaluator BadEvaluator", "scale", "2.5", "int", "an integer"),
    (lambda: BadExecutor(), "executor BadExecutor", "retries", "'no'", "bool", "true or false"),
], ids=["space", "strategy", "predictor", "evaluator", "executor"])
def test_a_default_its_own_hint_refuses_is_named_as_the_plugin_is_built(build, owner, option, default, hint, takes):
    with pytest.raises(ConfigError) as caught:
        build()
    assert str(caught.value) == (f"{owner} option {option} defaults to {default}, which its hint {hint} does not "
                                 f"take; change the default to {takes}, or the hint to one that takes {default}")


def test_a_none_default_and_an_integer_under_a_float_hint_are_taken():
    """``x: int = None`` is common Python for "optional", and 1 is a number where a float is asked for."""

    class Optional(RandomSearch):
        def __init__(self, space, seed: int = 0, cap: int = None, rate: float = 1) -> None:  # type: ignore
            super().__init__(space, seed)
            self.cap, self.rate = cap, rate

    assert Optional(WDigits()).config() == {"cap": None, "rate": 1}


def test_a_search_refuses_the_default_before_its_folder_exists(tmp_path):
    register_search_space("w-digits")(WDigits)
    register_evaluator("w-sum")(DigitSum)
    register_strategy("w-bad-strategy")(BadStrategy)
    config = SearchConfig(space="w-digits", evaluator="w-sum", strategy="w-bad-strategy", budget=4,
                          run_dir=str(tmp_path / "run"))
    with pytest.raises(ConfigError, match="^strategy BadStrategy option label defaults to 3, which its hint str"):
        search(config)
    assert not (tmp_path / "run").exists()


PLUGIN = '''
from nasloop.engine.registry import register_strategy
from nasloop.strategies.random_search import RandomSearch


@register_strategy("w-scaled")
class Scaled(RandomSearch):
    def __init__(self, space, seed: int = 0, scale: int = 2.5) -> None:
        super().__init__(space, seed)
        self.scale = scale
'''


@pytest.mark.usefixtures("own_plugin_files")  # its strategy leaves with it
def test_a_plugin_files_default_is_refused_in_one_line_by_the_command(tmp_path, capsys, data_dir):
    plugin = tmp_path / "scaled_w.py"
    plugin.write_text(PLUGIN)
    run = tmp_path / "run"
    assert cli.main(["--plugin", str(plugin), "search", "--space", "nb201", "--strategy", "w-scaled", "--budget", "2",
                     "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and not run.exists()
    assert "strategy Scaled option scale defaults to 2.5, which its hint int does not take" in error


@pytest.mark.parametrize("registry", [SEARCH_SPACES, STRATEGIES, PREDICTORS, EVALUATORS, EXECUTORS, BENCHMARKS],
                         ids=lambda registry: registry.kind)
def test_every_one_of_nasloops_own_defaults_fits_its_hint(registry):
    own = [name for name in registry.names_at_hand()
           if registry.get(name).__module__.startswith("nasloop.")
           and ".tests." not in registry.get(name).__module__]
    assert own
    for name in own:
        check_defaults(f"{registry.kind} '{name}'", registry.get(name))


class RenamedEvaluator(DigitSum):
    def __init__(self, space, context=None, scale: float = 1.0) -> None:
        super().__init__(space, context)
        self._scale = scale


class RenamedStrategy(RandomSearch):
    def __init__(self, space, seed: int = 0, width: int = 2) -> None:
        super().__init__(space, seed)
        self.w = width


class RenamedPredictor(RandomPredictor):
    def __init__(self, space, seed: int = 0, depth: int = 3) -> None:
        super().__init__(space, seed)
        self.levels = depth


class RenamedExecutor(InProcessExecutor):
    def __init__(self, retries: int = 0) -> None:
        super().__init__()
        self.tries = retries


@pytest.mark.parametrize("build,owner,option", [
    (lambda: RenamedEvaluator(WDigits()), "evaluator RenamedEvaluator", "scale"),
    (lambda: RenamedStrategy(WDigits()), "strategy RenamedStrategy", "width"),
    (lambda: RenamedPredictor(WDigits()), "predictor RenamedPredictor", "depth"),
    (lambda: RenamedExecutor(), "executor RenamedExecutor", "retries"),
], ids=["evaluator", "strategy", "predictor", "executor"])
def test_an_option_kept_under_another_name_is_refused_as_built_as_a_spaces_is(build, owner, option):
    with pytest.raises(ConfigError) as caught:
        build()
    assert str(caught.value) == (f"{owner} keeps its option '{option}' under another name; store each option under "
                                 f"its own (self.{option} = {option}), where config() reads it back")


def test_a_search_with_such_an_evaluator_is_refused_before_its_folder_exists(tmp_path):
    """It ran and resumed (a run stores the options it was given), and failed when a script asked its config()."""
    register_search_space("w-digits")(WDigits)
    register_evaluator("w-renamed")(RenamedEvaluator)
    config = SearchConfig(space="w-digits", evaluator="w-renamed", strategy="random", budget=4,
                          evaluator_options={"scale": 2.0}, run_dir=str(tmp_path / "run"))
    with pytest.raises(ConfigError, match="^evaluator RenamedEvaluator keeps its option 'scale' under another name"):
        search(config)
    assert not (tmp_path / "run").exists()
