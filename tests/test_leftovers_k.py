"""A user's space and evaluator loaded from a plugin file, as a user writes them: a constructor handing ``context``
to the base class, and ``--evaluator tabular`` on a space without a benchmark, each one line naming the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import build_plugins

from .digit_space import DigitSpace

pytestmark = pytest.mark.usefixtures("own_plugin_files")  # a plugin file's spaces leave with its test

PLUGIN = f'''
from {DigitSpace.__module__} import DigitSpace
from nasloop.engine.errors import ConfigError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import NetworkSpace

@register_search_space("k-digits")
class Digits(DigitSpace):
    name = "k-digits"

    def __init__(self, context=None, width: int = 4):
        super().__init__()
        self.context, self.width = context, width

@register_search_space("k-net")
class Net(Digits, NetworkSpace):
    name = "k-net"

    def to_module(self, arch, num_classes=10):
        from torch import nn
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, num_classes))

@register_evaluator("k-sum")
class Sum(Evaluator):
    """The sum of the digits; for this file's space only, so other tests' listings of what works leave it out."""

    def __init__(self, space, context=None):
        if not space.name.startswith(("k-digits", "k-net")):
            raise ConfigError("k-sum evaluates this file's spaces only")
        super().__init__(space, context)

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={{"val_accuracy": float(sum(arch))}}, cost=0.0)
'''


def plugin_file(tmp_path: Path, text: str = PLUGIN) -> tuple[Path, str, str]:
    """``text`` as a plugin file registering its plugins under names of this test's own (a file's module loads once
    per process), with the space's and the evaluator's names."""
    tag = "".join(c for c in tmp_path.name if c.isalnum())
    plugin = tmp_path / f"digits_{tag}.py"
    for name in ("k-digits", "k-net", "k-sum"):
        text = text.replace(f'"{name}"', f'"{name}-{tag}"')
    plugin.write_text(text)
    return plugin, f"k-digits-{tag}", f"k-sum-{tag}"


def search_error(tmp_path: Path, capsys, plugin: Path, *args: str) -> str:
    """The one error line of a search that must be refused before its run folder exists."""
    run = tmp_path / "run"
    assert cli.main(["--plugin", str(plugin), "search", *args, "--budget", "4", "--run-dir", str(run),
                     "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and not run.exists()
    return error


def test_the_plugin_as_written_searches(tmp_path):
    plugin, space, evaluator = plugin_file(tmp_path)
    assert cli.main(["--plugin", str(plugin), "search", "--space", space, "--evaluator", evaluator,
                     "--strategy", "random", "--budget", "4", "--run-dir", str(tmp_path / "run"), "--quiet"]) == 0


def test_a_constructor_handing_context_to_the_base_is_named_with_the_fix(tmp_path, capsys):
    """It failed as "unexpected TypeError ... SearchSpace.__init__() got an unexpected keyword argument 'context'",
    a traceback's words for the natural mistake of a user whose space takes the run context."""
    plugin, space, evaluator = plugin_file(tmp_path, PLUGIN.replace("super().__init__()",
                                                                    "super().__init__(context=context)"))
    error = search_error(tmp_path, capsys, plugin, "--space", space, "--evaluator", evaluator)
    assert f"error: search space '{space}' (Digits) passes context= to SearchSpace.__init__, which takes " \
           "nothing" in error
    assert "call super().__init__() with no arguments" in error and "TypeError" not in error


def test_tabular_on_a_space_without_a_benchmark_names_the_evaluators_that_work(tmp_path, capsys):
    """It said the space builds no networks and to use "an evaluator of your own", not naming the one the plugin
    registered, nor what a table needs."""
    plugin, space, evaluator = plugin_file(tmp_path)
    error = search_error(tmp_path, capsys, plugin, "--space", space, "--evaluator", "tabular")
    assert f"space '{space}' has none; it builds no networks either, so no built-in evaluator can" in error
    working = error.partition("; evaluators that work on it: ")[2].partition(";")[0].split(", ")
    assert evaluator in working and not {"proxy", "train", "tabular"} & set(working)  # (and any plugin file
    # another test of the worker loaded and kept: the listing names every evaluator that works)
    assert "; a table needs a Benchmark subclass registered with @register_benchmark" in error
    assert "'Adding a search space'" in error


def test_tabular_on_a_network_space_without_a_benchmark_names_the_users_evaluator_too(tmp_path, capsys, data_dir):
    """It said "use --evaluator proxy (zero-cost) or --evaluator train", leaving out the evaluator the user registered
    for the space."""
    plugin, space, evaluator = plugin_file(tmp_path)
    net = space.replace("k-digits", "k-net")
    error = search_error(tmp_path, capsys, plugin, "--space", net, "--evaluator", "tabular",
                         "--data-dir", str(data_dir))
    working = error.partition(f"space '{net}' has none; evaluators that work on it: ")[2].partition(";")[0].split(", ")
    assert {"proxy", "train", evaluator} <= set(working) and "tabular" not in working
    assert "; a table needs a Benchmark subclass registered with @register_benchmark" in error


def test_the_training_seed_is_its_own_not_the_searchs(tmp_path, data_dir):
    """By design (README, the training part; `nasloop evaluators train`): an architecture trains alike in every
    search whatever its --seed, so searches compare as on a table; --evaluator-opt seed=N changes the training."""
    seeds = []
    for search_seed, options in ((1, {}), (1, {"seed": 3})):
        config = SearchConfig(space="nb201", evaluator="train", seed=search_seed, data_dir=data_dir,
                              run_dir=tmp_path / f"{search_seed}-{len(options)}", evaluator_options=options,
                              space_options={"channels": 8, "cells": 1})
        evaluator = build_plugins(config)[2]
        seeds.append((evaluator.seed, evaluator.train_config.seed))
    assert seeds == [(0, 0), (3, 3)]
