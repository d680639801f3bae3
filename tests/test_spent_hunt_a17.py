"""A guided strategy's hunt for unseen architectures stops once 500 draws in a row find none, not only when its first
500 found none: a pool of 2,500 on a user's 1,024-cell space drew 125,000 cells a round for the ~1,000 it had."""
from __future__ import annotations

from nasloop.engine.types import Observation
from nasloop.predictors.baselines import RandomPredictor
from nasloop.strategies.predictor_topk import PredictorTopK

from .digit_space import DigitSpace


class CountedDigits(DigitSpace):
    """The digits (4^5 = 1,024 cells, no declared size), counting the draws."""

    name = "a17-counted-digits"
    draws = 0

    def sample(self, rng):
        CountedDigits.draws += 1
        return super().sample(rng)


def test_a_hunt_on_a_small_space_stops_once_it_has_found_every_unseen_cell():
    space = CountedDigits()
    strategy = PredictorTopK(space, seed=0, predictor=RandomPredictor(space), num_init=4, batch_size=2)
    seen = [(0, 0, 0, 0, k) for k in range(4)]
    strategy.tell([Observation(a, float(sum(a))) for a in seen])
    CountedDigits.draws = 0
    found = strategy._random_unseen(2500)
    unseen = {a for a in found if a not in seen}
    # all but the last few of the 1,020 unseen cells (500 draws in a row miss one of 1,024 cells 61 % of the time, as
    # the first 500 of a hunt did before), then plain draws fill the pool
    assert len(unseen) > 1000 and len(found) == 2500
    assert CountedDigits.draws < 20_000  # 125,000 before: 50 tries for each of the 2,500 wanted
    # a hunt that finds enough stops there, as before
    CountedDigits.draws = 0
    assert len(set(strategy._random_unseen(100))) == 100 and CountedDigits.draws < 200
