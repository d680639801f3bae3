"""Strategies and predictors declare whether, with the options a run gives them, they read its dataset
(``reads_dataset_with``); the engine asks them. It guessed from the constructor: any predictor taking the run context
was taken to read one, so a forest on one-hot features made a search of a user's network space record CIFAR-10 (and
accept ``--dataset cifar100``), which nothing read."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pytest

from nasloop.engine.assemble import reads_dataset
from nasloop.engine.cli import main
from nasloop.engine.context import RunContext
from nasloop.engine.registry import register_evaluator, register_predictor, register_search_space
from nasloop.engine.search import summarize
from nasloop.predictors.mlp import MLPEnsemblePredictor

from .digit_space import DigitSum, NetDigits


@pytest.fixture(autouse=True)
def _plugins():
    """Registered for one test; the conftest drops them after it."""
    register_search_space("rd-netdigits")(NetDigits)
    register_evaluator("rdw-sum")(DigitSum)


def search(run: Path, *extra: str) -> int:
    return main(["search", "--space", "rd-netdigits", "--evaluator", "rdw-sum", "--budget", "3", "--run-dir",
                 str(run), "--quiet", "--strategy", "bananas", "--predictor", "forest", *extra])


def test_a_forest_on_one_hot_features_records_no_dataset(tmp_path, capsys):
    assert search(tmp_path / "run", "--predictor-opt", "features=[onehot]") == 0
    assert summarize(tmp_path / "run")["dataset"] is None
    assert search(tmp_path / "other", "--predictor-opt", "features=[onehot]", "--dataset", "cifar100") == 2
    assert "--dataset cifar100 would be read by nothing" in capsys.readouterr().err


def reads(strategy: str, options: Mapping[str, Any], predictor: str | None, predictor_options: Mapping[str, Any]):
    return reads_dataset("rd-netdigits", "rdw-sum", [(strategy, options, predictor, predictor_options)])


def test_each_predictor_answers_from_its_options():
    assert not reads("bananas", {}, "forest", {"forest.features": "onehot,graph"})
    assert reads("bananas", {}, "forest", {"features": ["onehot", "synflow"]})
    assert reads("bananas", {}, "forest", {})  # its default features: proxies where a file stores them
    assert not reads("predictor-topk", {}, "flan", {})  # graphs only; its warm-up 'auto' needs a benchmark
    assert reads("predictor-topk", {}, "flan", {"supplementary": ["params"]})
    assert reads("predictor-topk", {"warmup": ["params"]}, "flan", {})
    assert not reads("bananas", {}, "blend", {"members": {"forest": {"features": ["onehot"]}, "gp": {}}})
    assert reads("bananas", {}, "blend", {"members": ["forest", "gp"]})
    assert reads("bananas", {}, "blend", {})  # FLAN and the default forest
    assert reads("bananas", {}, "zero-cost", {})


def test_a_users_plugins_read_it_through_the_context_unless_they_say_otherwise():
    class ContextMLP(MLPEnsemblePredictor):
        def __init__(self, space, seed=0, context: RunContext | None = None, members: int = 2) -> None:
            super().__init__(space, seed, members=members)

    class Declared(ContextMLP):
        @classmethod
        def reads_dataset_with(cls, space, options):
            return options["members"] > 2

    register_predictor("rdw-context")(ContextMLP)
    register_predictor("rdw-declared")(Declared)
    assert reads("bananas", {}, "rdw-context", {})
    assert not reads("bananas", {}, "rdw-declared", {}) and reads("bananas", {}, "rdw-declared", {"members": 3})
