"""The gp predictor reads a user's vector encoding whose values go below 0 (values centred on 0).

It scaled each column into botorch's unit cube by dividing by its largest value and clipping, which read every
negative value as 0: a space encoding its digits as -1.5, -0.5, 0.5 and 1.5 had digits 0 and 1 read as one input,
and cells differing only there got one prediction. Encodings of values of 0 or more (all of nasloop's) read as before.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from nasloop.predictors.gp import GPPredictor

from .digit_space import DigitSpace


class CentredDigits(DigitSpace):
    """The digits as values centred on 0."""

    name = "centred-digits-v13"
    vector_encodings = ("centred",)

    def _encode(self, arch, kind):
        return np.asarray(arch, dtype=np.float64) - 1.5


def _score(arch: tuple[int, ...]) -> float:
    return float(sum(arch))


def test_gp_tells_apart_values_below_zero_and_keeps_them_through_its_state() -> None:
    space, rng = CentredDigits(), np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(300)))
    train, test = cells[:30], cells[30:200]
    gp = GPPredictor(space).fit(train, [_score(a) for a in train])
    low, high = gp.predict([(0,) * 5, (1,) * 5])[0]
    assert high > low + 1.0
    mean, _ = gp.predict(test)
    assert stats.kendalltau(mean, [_score(a) for a in test]).statistic > 0.85
    restored = GPPredictor(space)
    restored.load_state_dict(gp.state_dict())
    assert np.allclose(restored.predict(test)[0], mean)


def test_a_state_of_columns_of_zero_or_more_is_written_as_before() -> None:
    space, rng = DigitSpace(), np.random.default_rng(1)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(40)))
    state = GPPredictor(space).fit(cells[:20], [_score(a) for a in cells[:20]]).state_dict()
    assert "low" not in state and len(state["scale"]) == 20
