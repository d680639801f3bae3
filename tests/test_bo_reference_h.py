"""bo with a --reference-point no evaluation beats: its hypervolume acquisition was 0 everywhere, so the optimiser
returned one fixed point and a NAGO run evaluated the same network for 10 of its 12 trials, without a word."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nasloop.engine.types import Observation
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.strategies.bo import BayesianOptimisation
from nasloop.strategies.bo_model import fit_model, make_acquisition

FAST_BOX = {"num_init": 3, "num_restarts": 1, "raw_samples": 16, "mc_samples": 8}


def _scores(space: NAGOSpace, arch) -> list[float]:
    """Two conflicting objectives of the generator point's coordinates (higher is better)."""
    box = np.asarray(space.to_box(arch), dtype=float)
    return [float(box.sum()), float(-np.square(box).sum())]


def _guided_proposal(reference_point, heard: list[str]) -> str:
    space = NAGOSpace(param_limit=1e5)
    bo = BayesianOptimisation(space, seed=3, num_objectives=2, reference_point=reference_point,
                              objective_names=["synflow:max", "flops:min"], on_note=heard.append, **FAST_BOX)
    start = bo.ask(3)
    bo.tell([Observation(a, s[0], tuple(s)) for a, s in ((a, _scores(space, a)) for a in start)])
    return space.format(bo.ask(1)[0])


def test_bo_explores_as_without_a_reference_point_no_evaluation_beats_and_says_so():
    heard: list[str] = []
    unbeaten = _guided_proposal([1e9, 0.0], heard)
    assert unbeaten == _guided_proposal(None, [])  # the front's own inferred point, not a flat acquisition
    assert len(heard) == 1 and "\n" not in heard[0]
    assert "no evaluation is better than --reference-point" in heard[0] and "synflow:max" in heard[0]


def test_a_reference_point_some_evaluation_beats_is_used_as_given():
    y = np.array([[3.0, -1.0], [1.0, -0.5], [2.0, -2.0]])
    x = np.array([[0.1], [0.5], [0.9]])
    model = fit_model(x, y, None, torch.tensor([[0.0], [1.0]], dtype=torch.float64), 0)
    for reference in ([0.5, -1.5], [2.5, -1.2]):  # beaten by one or more evaluations in every objective
        acquisition = make_acquisition(model, x, y, None, reference, 8, 0)
        assert acquisition.ref_point.tolist() == pytest.approx(reference)
