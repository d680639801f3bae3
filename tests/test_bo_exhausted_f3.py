"""bo on a user's small space that declares no size, once every architecture is evaluated.

Each ask past the end refitted the GP on every result and then found its candidate pool empty: about 22 asks a second,
so the loop's stop after 10,000 repeats in a row came after 8+ minutes (a space of 12, budget 20: still running at
590 s, where the other strategies stop in seconds). The pool is now drawn before the fit, and an empty one waits for a
new result before bo fits again.
"""
from __future__ import annotations

import copy
import time

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import search
from nasloop.engine.types import Observation
from nasloop.strategies.bo import BayesianOptimisation

from .digit_space import DigitSum
from .test_exhausted_space_q import TwoDigits

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class SmallDigits(TwoDigits):
    """Two digits 0-3 (16 architectures) with no declared size; it counts the architectures it encodes."""

    name = "f3-small-digits"

    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def _encode(self, arch: tuple[int, ...], kind: str) -> np.ndarray:
        self.encoded += 1
        return super()._encode(arch, kind)


@pytest.fixture(scope="module")
def spent() -> tuple[SmallDigits, BayesianOptimisation]:
    """bo told every architecture of the space, and asked once past its end: made once for the module (12 GP fits,
    2 s of CPU), each test taking a copy of its own (:func:`spent_bo`)."""
    space = SmallDigits()
    strategy = BayesianOptimisation(space, seed=0, num_init=4, pool_size=50)
    while len(strategy.observed) < 16:
        (arch,) = strategy.ask(1)
        strategy.tell([Observation(arch, float(sum(arch)))])
    (arch,) = strategy.ask(1)
    strategy.tell([Observation(arch, float(sum(arch)))])
    return space, strategy


@pytest.fixture
def spent_bo(spent) -> tuple[SmallDigits, BayesianOptimisation]:
    """A copy of :func:`spent` (the space it counts encodings in, and bo on that space), which the test may ask on."""
    return copy.deepcopy(spent)


def test_asks_past_the_end_of_a_spent_space_fit_no_gp(spent_bo):
    space, strategy = spent_bo
    before = space.encoded
    for _ in range(20):
        (arch,) = strategy.ask(1)
        strategy.tell([Observation(arch, float(sum(arch)))])  # a repeat, as the loop answers it from the store
    assert space.encoded == before  # each ask encoded the 16 results for a fit, and more for its acquisition


def test_the_wait_for_a_new_result_is_saved_and_restored(spent_bo):
    space, strategy = spent_bo
    state = strategy.state_dict()
    restored = BayesianOptimisation(space, seed=0, num_init=4, pool_size=50)
    assert state["exhausted_at"] == 16
    restored.load_state_dict(state)
    assert restored.exhausted_at == 16
    assert restored.ask(1) == strategy.ask(1)
    restored.load_state_dict({k: v for k, v in state.items() if k != "exhausted_at"})  # a run saved before it
    assert restored.exhausted_at is None


def test_a_budget_above_a_small_spaces_size_ends_in_seconds(tmp_path):
    register_search_space("f3-small-digits")(SmallDigits)
    register_evaluator("f3-digit-sum")(DigitSum)
    config = dict(space="f3-small-digits", evaluator="f3-digit-sum", strategy="bo",
                  strategy_options={"num_init": 4, "pool_size": 50}, budget=20)
    start = time.monotonic()
    summary = search(SearchConfig(**config, run_dir=str(tmp_path / "run")))
    assert time.monotonic() - start < 120  # was 8+ minutes
    assert summary["evaluations"] == 16 and summary["best"]["score"] == pytest.approx(6.0)
    assert "already-evaluated architectures in a row" in summary["stop_reason"]
