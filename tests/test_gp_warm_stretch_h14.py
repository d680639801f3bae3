"""A gp's warm update whose input scale grows starts from the last fit's kernel on the raw features.

Dividing a column by a scale 3 times larger shrinks distances in botorch's unit cube by 3, so the lengthscales are
divided by 3 to keep the kernel (``before / self._scale``). The tests of that fix (test_gp_warm_scale_c14) passed with
the factor inverted (lengthscales 9 times too long in raw units) or left out (3 times): the fit's L-BFGS moves them
back, so only a fit of one iteration shows where the warm start began. This reads the fitted kernel's lengthscales.
"""
from __future__ import annotations

import json

import numpy as np

from nasloop.predictors.gp import GPPredictor

from .test_gp_warm_scale_c14 import CountDigits, _cells, _score


def _raw_lengthscales(gp: GPPredictor) -> np.ndarray:
    """The kernel's lengthscales in units of the raw features (the unit cube's times each column's scale)."""
    return gp._model.covar_module.lengthscale.detach().numpy().ravel() * gp.state_dict()["scale"]


def test_a_warm_update_of_one_iteration_keeps_the_kernel_on_the_raw_features() -> None:
    small, later, _ = _cells()
    gp = GPPredictor(CountDigits(), seed=0, max_iter=1).fit(small[:12], [_score(a) for a in small[:12]])
    before = _raw_lengthscales(gp)
    gp.update(later, [_score(a) for a in later])
    assert gp.state_dict()["scale"] == [3.0] * 5  # the scale grew from 1 to 3
    ratio = _raw_lengthscales(gp) / before
    assert np.all((ratio > 0.8) & (ratio < 1.25)), ratio  # 9 with the stretch inverted, 3 without it


def test_a_resume_after_the_scale_grew_goes_on_as_the_uninterrupted_gp() -> None:
    """The README's reproducible resume: a state saved after a stretched update, loaded and updated again, predicts
    bit for bit what the gp that never stopped predicts."""
    small, later, test = _cells()
    gp = GPPredictor(CountDigits(), seed=0).fit(small[:12], [_score(a) for a in small[:12]])
    gp.update(later[:3], [_score(a) for a in later[:3]])
    assert gp.state_dict()["scale"] == [3.0, 3.0, 2.0, 2.0, 3.0]  # two columns grow again after the resume
    resumed = GPPredictor(CountDigits(), seed=0)
    resumed.load_state_dict(json.loads(json.dumps(gp.state_dict())))  # as the run store writes and reads it
    for predictor in (gp, resumed):
        predictor.update(later[3:], [_score(a) for a in later[3:]])
    assert gp.state_dict()["scale"] == resumed.state_dict()["scale"] == [3.0] * 5
    for ours, theirs in zip(gp.predict(test), resumed.predict(test)):
        assert np.array_equal(ours, theirs)
