"""bo's observation noise where only some points have a measured one: a single point whose replicates' spread is
unknown (one draw left, a run resumed with other replicates, a store without noise) made bo infer one common noise
for every point, throwing all the measured variances away."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.engine.types import Observation, Result
from nasloop.strategies.bo import BayesianOptimisation
from nasloop.strategies.bo_model import fit_model

from .digit_space import DigitSpace, DigitSum

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # small GPs: a second thread only waits
FAST = {"num_init": 4, "pool_size": 30, "mc_samples": 16}
MEASURED = 0.01


def observation_noise(model, points: int) -> np.ndarray:
    """The noise variance the GP's likelihood holds for each of its ``points`` (one objective), in the outcomes'
    units: the model holds it standardised, divided by the outcome's variance."""
    standardised = model.likelihood.noise.detach().reshape(1, -1).T
    return np.broadcast_to((standardised * model.outcome_transform.stdvs ** 2).numpy(), (points, 1))


def _bumpy(arch: tuple[int, ...]) -> float:
    return float(sum(arch) + 3 * math.sin(arch[0] * 2.0 + arch[4]))


def test_a_fit_keeps_the_measured_noise_and_infers_the_unknown_one():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(12, 2))
    y = np.sin(6 * x[:, :1]) + x[:, 1:]
    noise = np.full((12, 1), MEASURED)
    noise[5] = np.nan  # one point's spread is unknown
    bounds = torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    fitted = observation_noise(fit_model(x, y, noise, bounds, seed=3), 12)
    inferred = observation_noise(fit_model(x, y, None, bounds, seed=3), 12)[0, 0]  # the level a fit without any infers
    assert np.delete(fitted, 5, axis=0) == pytest.approx(MEASURED)  # not one common level for all
    assert fitted[5, 0] == pytest.approx(inferred) and inferred != pytest.approx(MEASURED)


def test_bo_models_each_point_with_its_own_noise_and_failures_with_the_loudest():
    space = type("MixedDigits", (DigitSpace,), {"name": "nd-mixed"})()
    bo = BayesianOptimisation(space, seed=1, **FAST)
    asked = bo.ask(8)  # the initial design, then random draws (nothing told yet to model)
    told = [Observation(a, _bumpy(a), variances=None if i == 2 else (MEASURED * (i + 1),))
            for i, a in enumerate(asked[:7])]
    bo.tell(told + [Observation(asked[7], None)])
    model, _ = bo._surrogate(seed=0)
    fitted = observation_noise(model, 8)[:, 0]
    measured = [MEASURED * (i + 1) for i in range(7) if i != 2]
    assert np.delete(fitted[:7], 2) == pytest.approx(measured)
    assert fitted[2] != pytest.approx(fitted[0]) and fitted[7] == pytest.approx(max(fitted[:7]))


class Replicated(DigitSum):
    """Two draws of a point whose last digit is odd, one (its spread unknown) of the others, as ``replicates``
    reports them."""

    def evaluate(self, arch, fidelity=None):
        two = arch[4] % 2 == 1
        return Result(metrics={"score": _bumpy(arch), "score_std": 0.2 if two else math.nan,
                               "replicates": 2 if two else 1}, cost=1.0)


def test_a_search_with_mixed_replicate_counts_resumes_to_the_same_proposals(tmp_path):
    register_search_space("nd-replicated")(type("ReplicatedDigits", (DigitSpace,), {"name": "nd-replicated"}))
    register_evaluator("nd-replicated-sum")(Replicated)

    def run(name: str, budget: int) -> dict:
        return search(SearchConfig(space="nd-replicated", evaluator="nd-replicated-sum", strategy="bo", budget=budget,
                                   seed=2, strategy_options=FAST, run_dir=str(tmp_path / name)))

    def told(run_dir: str) -> tuple[list[str], list]:
        with RunStore.in_run_dir(run_dir) as store:
            return [t.arch for t in store.trials()], [v for *_, v in store.strategy_state()[1]["observed"]]

    straight = told(run("straight", 7)["run_dir"])
    assert None in straight[1] and [pytest.approx(0.02)] in straight[1]  # both kinds of point reached the model
    assert told(resume(run("resumed", 5)["run_dir"], budget=7)["run_dir"]) == straight
