"""A gp refitted warm as results come in scales its inputs from all the data it is fitted on, not the first fit's.

Its warm update kept the first fit's per-column scale into botorch's unit cube, so a column whose values later grew
past it was clipped for the rest of the search: an NB201 path count of 2, after a first fit on cells of 1s, read
as 1 (up to 2.5 % of NB201's cells). A run saved with that scale still loads and predicts as it did.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nasloop.predictors.gp import GPPredictor

from .digit_space import DigitSpace


class CountDigits(DigitSpace):
    """The digits as counts, one column each: a column's largest value grows as cells with larger digits come."""

    name = "count-digits-c14"
    vector_encodings = ("counts",)

    def _encode(self, arch, kind):
        return np.asarray(arch, dtype=np.float64)


def _score(arch: tuple[int, ...]) -> float:
    return float(sum(arch))


def _cells() -> tuple[list, list, list]:
    space, rng = CountDigits(), np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(600)))
    small = [c for c in cells if max(c) <= 1]  # a first fit that sees digits 0 and 1 only
    large = [c for c in cells if max(c) > 1]
    return small, large[:40], large[40:240]


def test_a_warm_update_reads_values_past_the_first_fits_range() -> None:
    small, later, test = _cells()
    gp = GPPredictor(CountDigits(), seed=0).fit(small[:12], [_score(a) for a in small[:12]])
    gp.update(later, [_score(a) for a in later])
    means = gp.predict([(1,) * 5, (2,) * 5, (3,) * 5])[0]
    assert means[0] + 1.0 < means[1] < means[2] - 1.0  # clipped to the first fit's scale, all three read as 1s
    warm = gp.predict(test)[0]
    assert stats.kendalltau(warm, [_score(a) for a in test]).statistic > 0.8
    fresh = GPPredictor(CountDigits(), seed=0).fit(small[:12] + later, [_score(a) for a in small[:12] + later])
    assert stats.kendalltau(warm, fresh.predict(test)[0]).statistic > 0.8


def test_a_state_saved_with_the_first_fits_scale_resumes_as_it_was_and_then_rescales() -> None:
    small, later, test = _cells()
    first = GPPredictor(CountDigits(), seed=0).fit(small[:12], [_score(a) for a in small[:12]])
    state = first.state_dict()
    assert state["scale"] == [1.0] * 5
    # what a run of the earlier code saved after an update: all its data, the first fit's scale and hyperparameters
    state = {**state, "archs": [CountDigits().format(a) for a in small[:12] + later],
             "y": [_score(a) for a in small[:12] + later]}
    resumed = GPPredictor(CountDigits(), seed=0)
    resumed.load_state_dict(state)
    before = resumed.predict([(1,) * 5, (3,) * 5])[0]
    assert before[1] == pytest.approx(before[0], abs=1e-9)  # the model it saved: inputs clipped to that scale
    resumed.update(test[:5], [_score(a) for a in test[:5]])
    after = resumed.predict([(1,) * 5, (3,) * 5])[0]
    assert after[1] > after[0] + 2.0
    assert resumed.state_dict()["scale"] == [3.0] * 5
