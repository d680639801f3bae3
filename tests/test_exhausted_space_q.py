"""A guided strategy on a user's small space that declares no size, once every architecture is evaluated.

predictor-topk ranked a pool of 5,000 each ask: 2,500 mutants and 125,000 random draws hunting 2,500 unseen ones.
Once the space was spent every ask found nothing and paid it again, and the loop asks 10,000 repeats before it
stops: a budget above the size of a space of 64 ran for hours where one of 60 took 14 s. A round that finds nothing,
with a random draw that finds nothing either, now waits for a new result before ranking again.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import search
from nasloop.engine.types import Observation
from nasloop.predictors.gp import GPPredictor
from nasloop.strategies.predictor_topk import PredictorTopK

from .digit_space import DigitSpace, DigitSum


class TwoDigits(DigitSpace):
    """Two digits 0-3 (16 architectures), with no declared size; it counts its random draws."""

    name = "ex-two-digits"

    def __init__(self) -> None:
        super().__init__()
        self.draws = 0

    def parse(self, text: str) -> tuple[int, ...]:
        parts = text.split("-")
        if len(parts) != 2 or not all(p in ("0", "1", "2", "3") for p in parts):
            raise ArchitectureError(f"'{text}' is not 2 digits 0-3 joined by '-'")
        return tuple(int(p) for p in parts)

    def format(self, arch: tuple[int, ...]) -> str:
        return "-".join(map(str, arch))

    def sample(self, rng: np.random.Generator) -> tuple[int, ...]:
        self.draws += 1
        return tuple(int(b) for b in rng.integers(0, 4, 2))

    def neighbours(self, arch: tuple[int, ...]) -> list[tuple[int, ...]]:
        return [arch[:i] + (b,) + arch[i + 1:] for i in range(2) for b in range(4) if b != arch[i]]

    def _encode(self, arch: tuple[int, ...], kind: str) -> np.ndarray:
        return np.eye(4, dtype=np.float32)[list(arch)].ravel()


def spent_strategy() -> tuple[TwoDigits, PredictorTopK]:
    """predictor-topk told every architecture of the space at once (as a resume replays a store), then asked past its
    random start into the spent space: one predictor fit, where asking its way through the space took 16."""
    space = TwoDigits()
    strategy = PredictorTopK(space, seed=0, predictor=GPPredictor(space), num_init=4, batch_size=2)
    strategy.tell([Observation((a, b), float(a + b)) for a in range(4) for b in range(4)])
    for _ in range(5):  # the random start's 4 asks, then one ranked ask that finds nothing
        (arch,) = strategy.ask(1)
        strategy.tell([Observation(arch, float(sum(arch)))])  # a repeat, as the loop answers it from the store
    assert len(strategy.observed) == 16
    return space, strategy


def draws_per_ask(asks: int) -> list[int]:
    """How many architectures each of ``asks`` asks past the end of a spent space draws, each answered by a repeat."""
    space, strategy = spent_strategy()
    draws = []
    for _ in range(asks):
        before = space.draws
        (arch,) = strategy.ask(1)
        strategy.tell([Observation(arch, float(sum(arch)))])  # a repeat, as the loop answers it from the store
        draws.append(space.draws - before)
    return draws


def test_asks_past_the_end_of_a_spent_space_draw_little():
    draws = draws_per_ask(3)
    assert max(draws) <= 100, draws  # was 127,550 draws an ask


def test_the_wait_for_a_new_result_is_saved_and_restored():
    space, strategy = spent_strategy()
    state = strategy.state_dict()
    assert state["exhausted_at"] == 16
    restored = PredictorTopK(space, seed=0, predictor=GPPredictor(space), num_init=4, batch_size=2)
    restored.load_state_dict(state)
    assert restored.exhausted_at == 16
    restored.load_state_dict({k: v for k, v in state.items() if k != "exhausted_at"})  # a run saved before it
    assert restored.exhausted_at is None


def test_a_budget_above_a_small_spaces_size_ends_in_seconds(tmp_path):
    register_search_space("ex-two-digits")(TwoDigits)
    register_evaluator("ex-digit-sum")(DigitSum)
    start = time.monotonic()
    summary = search(SearchConfig(space="ex-two-digits", evaluator="ex-digit-sum", strategy="predictor-topk",
                                  predictor="gp", strategy_options={"num_init": 4}, budget=20,
                                  run_dir=str(tmp_path / "run")))
    assert time.monotonic() - start < 120
    assert summary["evaluations"] == 16 and summary["best"]["score"] == pytest.approx(6.0)
    assert "already-evaluated architectures in a row" in summary["stop_reason"]
