"""A space whose ``sample`` gives one architecture (or a few) is named, not the strategy.

A user's space of 100 architectures whose sample always returned 7: random search proposed it 10,000 times, and the
run 'finished' exit 0 with "1 of its 100 architectures evaluated; the strategy stopped exploring". A new run now
refuses such a space before its first evaluation, and a repeat streak that sample's own draws explain names it.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import search
from nasloop.engine.types import Result
from nasloop.search_spaces.base import EnumerableSpace, NeighbourhoodSpace


class Hundred(EnumerableSpace, NeighbourhoodSpace):
    """The integers 0-99; its sample always gives 7."""

    name = "f3-hundred"
    vector_encodings = ("scaled",)

    def parse(self, text: str) -> int:
        if not text.isdigit() or not 0 <= int(text) < 100:
            raise ArchitectureError(f"'{text}' is not an integer 0-99")
        return int(text)

    def format(self, arch: int) -> str:
        return str(arch)

    def sample(self, rng: np.random.Generator) -> int:
        return 7

    def mutate(self, arch: int, rng: np.random.Generator) -> int:
        return (arch + int(rng.integers(1, 100))) % 100

    def neighbours(self, arch: int) -> list[int]:
        return [(arch + 1) % 100, (arch - 1) % 100]

    @property
    def size(self) -> int:
        return 100

    def enumerate(self) -> Iterator[int]:
        return iter(range(100))

    def _encode(self, arch: int, kind: str) -> np.ndarray:
        return np.array([arch / 100.0], dtype=np.float32)


class TwoOfHundred(Hundred):
    """Its sample draws 7 or 8: past the check of a new run, which a sample of two architectures passes."""

    name = "f3-two-of-hundred"

    def sample(self, rng: np.random.Generator) -> int:
        return 7 + int(rng.integers(2))


class TwoUnsized(TwoOfHundred):
    """As TwoOfHundred, declaring no size."""

    name = "f3-two-unsized"

    @property
    def size(self) -> None:
        return None


class Fair(Hundred):
    """A space of two architectures, drawn fairly."""

    name = "f3-fair-two"

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(2))

    @property
    def size(self) -> int:
        return 2

    def enumerate(self) -> Iterator[int]:
        return iter(range(2))


class Value(Evaluator):
    """Scores an architecture by its number."""

    def evaluate(self, arch: int, fidelity: int | None = None) -> Result:
        return Result(metrics={"val_accuracy": float(arch)}, cost=0.1)

    def metric_names(self, fidelity: int | None = None) -> list[str]:
        return ["val_accuracy"]


def run(space: type[Hundred], tmp_path, budget: int = 10) -> dict:
    register_search_space(space.name)(space)
    register_evaluator("f3-value")(Value)
    return search(SearchConfig(space=space.name, evaluator="f3-value", strategy="random", budget=budget,
                               run_dir=str(tmp_path / "run")))


def test_a_sample_giving_one_architecture_of_many_is_refused_before_the_first_evaluation(tmp_path):
    with pytest.raises(ConfigError) as caught:
        run(Hundred, tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "search space 'f3-hundred'" in message and "Hundred.sample returned '7'" in message
    assert "declares 100 architectures" in message
    assert not (tmp_path / "run").exists()


def test_a_fair_sample_of_a_space_of_two_is_not_refused(tmp_path):
    assert run(Fair, tmp_path, budget=2)["evaluations"] == 2


@pytest.mark.parametrize("space", [TwoOfHundred, TwoUnsized])
def test_a_repeat_streak_that_samples_explain_names_the_sample(tmp_path, space):
    summary = run(space, tmp_path)
    reason = summary["stop_reason"]
    assert summary["evaluations"] == 2 and "already-evaluated architectures in a row" in reason
    assert "TwoOfHundred.sample" in reason or "TwoUnsized.sample" in reason
    assert "the strategy stopped exploring" not in reason
