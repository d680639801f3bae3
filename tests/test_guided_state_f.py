"""A guided strategy's saved observations are written once per observation, not all again at every evaluation (which
was quadratic in the run's length); what ``state_dict`` gives, and a resume from it, are as before."""
from __future__ import annotations

import copy
import json

from nasloop.engine.types import Observation
from nasloop.predictors.baselines import RandomPredictor
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.predictor_topk import PredictorTopK


def _strategy(space: NB201Space) -> PredictorTopK:
    return PredictorTopK(space, seed=3, predictor=RandomPredictor(space), num_init=3, batch_size=2)


def _step(strategy: PredictorTopK, step: int) -> None:
    arch = strategy.ask(1)[0]
    failed = step == 1
    strategy.tell([Observation(arch, None if failed else float(sum(arch)) + step / 100)])
    if step == 2:
        strategy.tell([Observation(arch, 0.0)])  # a duplicate answered from the store changes nothing


def test_saved_observations_are_every_told_architecture_in_order_and_states_taken_stay_as_they_were():
    space = NB201Space()
    strategy = _strategy(space)
    taken = []
    for step in range(8):
        _step(strategy, step)
        state = strategy.state_dict()
        taken.append((state, copy.deepcopy(state)))
        assert state["observed"] == [[space.format(a), s, key] for key, (a, s) in strategy.observed.items()]
    assert taken[1][0]["observed"][1][1] is None  # the failure, as before
    assert all(state == frozen for state, frozen in taken)  # later tells changed no state already taken
    assert len(taken[-1][0]["observed"]) == 8


def test_a_strategy_loaded_from_its_saved_state_saves_and_asks_as_the_one_that_went_on():
    space = NB201Space()
    strategy = _strategy(space)
    for step in range(6):
        _step(strategy, step)
    resumed = _strategy(space)
    resumed.load_state_dict(json.loads(json.dumps(strategy.state_dict())))  # as the store gives it back
    assert resumed.state_dict() == strategy.state_dict()
    for step in range(6, 12):
        _step(strategy, step)
        _step(resumed, step)
        assert resumed.state_dict() == strategy.state_dict()
