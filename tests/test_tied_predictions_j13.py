"""predictor-topk ranking real predictors that predict one constant: ties go at random, not in listed order.

A predictor fitted on targets all equal (every first training run diverged at 10%) predicts the same value for
every cell; ranked by a stable sort, each round took the first cells NB201 lists, its ``none``-heavy ones.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.types import Observation
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.forest import ForestPredictor
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.predictor_topk import PredictorTopK

pytestmark = pytest.mark.usefixtures("one_torch_thread")

# small real predictors: fitted in about a second each
PREDICTORS = {"forest": lambda space: ForestPredictor(space, features="graph", trees=10),
              "flan": lambda space: FlanPredictor(space, ensemble=2, steps=30, hidden=16, op_dim=8)}


def flat_strategy(name: str, seed: int) -> PredictorTopK:
    """A strategy whose 8 random first cells all scored 10.0, ready to rank its first round."""
    space = NB201Space()
    strategy = PredictorTopK(space, seed=seed, predictor=PREDICTORS[name](space), num_init=8, batch_size=4,
                             explore=0, warmup=None)
    strategy.tell([Observation(arch, 10.0) for arch in strategy.ask(8)])
    return strategy


def first_listed(strategy: PredictorTopK, count: int) -> list:
    """The first ``count`` functions NB201 lists that the strategy has not seen: what a stable sort ranked first."""
    space = strategy.space
    covered = {space.functional_hash(arch) for arch, _ in strategy.observed.values()}
    out = []
    for arch in space.enumerate():
        function = space.functional_hash(arch)
        if function not in covered and len(out) < count:
            covered.add(function)
            out.append(arch)
    return out


@pytest.mark.parametrize("name", sorted(PREDICTORS))
def test_a_constant_prediction_ranks_unlisted_cells_and_each_seed_its_own(name):
    picks = {}
    for seed in (0, 1):
        strategy = flat_strategy(name, seed)
        picks[seed] = strategy.ask(4)
        listed = first_listed(strategy, 4)
        mean, _ = strategy.predictor.predict(picks[seed] + listed)
        assert np.unique(mean).size == 1  # the predictor really predicts one constant
        assert picks[seed] != listed
        functions = {strategy.space.functional_hash(arch) for arch in picks[seed]}
        assert len(functions) == 4  # still one cell per function
    assert picks[0] != picks[1]


def test_the_order_of_ties_is_resumed_exactly():
    strategy = flat_strategy("forest", 5)
    state = strategy.state_dict()
    restored = PredictorTopK(strategy.space, seed=5, predictor=PREDICTORS["forest"](strategy.space), num_init=8,
                             batch_size=4, explore=0, warmup=None)
    restored.load_state_dict(state)
    assert restored.ask(4) == strategy.ask(4)


def test_cells_tied_only_with_their_equivalents_keep_the_listed_order(nb201_split):
    """FLAN reads cells through ``space.canonical``: equivalent cells tie exactly, and the first listed still
    stands for its function, as recorded NB201 searches took it."""
    space, (train, y) = nb201_split(8)
    strategy = PredictorTopK(space, seed=0, predictor=PREDICTORS["flan"](space), warmup=None)
    strategy.predictor.fit(train, y)
    cells = list(space.enumerate())
    mean, _ = strategy.predictor.predict(cells)
    assert np.unique(mean).size < len(cells)  # ties there are
    assert np.array_equal(strategy._ranking(cells, mean), np.argsort(-mean, kind="stable"))
