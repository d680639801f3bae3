"""bo's fits past WARM_START_AT rows start from the last fit's hyperparameters and take few L-BFGS steps, and the
hyperparameters are saved with the state, so a resumed run fits (and proposes) as an uninterrupted one does.

Without this every ask refitted from gpytorch's defaults to MAX_FIT_STEPS: at 500 observations a two-objective ask
spent 11-14 s fitting on NAGO and NB201 alike, growing as n**3."""
from __future__ import annotations

import json

import botorch.fit
import numpy as np
import pytest

from nasloop.engine.types import Observation
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.strategies import bo_model
from nasloop.strategies.bo import BayesianOptimisation


def _told(count: int) -> BayesianOptimisation:
    """bo on NAGO's box told ``count`` points of a smooth function, its initial design spent."""
    space = NAGOSpace(param_limit=1e5)
    rng = np.random.default_rng(0)
    points = [space.sample(rng) for _ in range(count)]
    strategy = BayesianOptimisation(space, seed=0, num_init=1)
    strategy.initial_asked = 1  # the design spent: the asks below are the GP's
    units = np.stack([space.to_unit(p) for p in points])
    values = -((units - 0.3) ** 2).sum(axis=1) + 0.3 * np.sin(7 * units[:, 0])
    strategy.tell([Observation(p, float(v)) for p, v in zip(points, values)])
    return strategy


@pytest.fixture
def fit_steps(monkeypatch):
    """The L-BFGS steps of each fit botorch runs (botorch's own optimiser, its result read on the way out)."""
    steps: list[int] = []
    optimiser = botorch.fit._fit_fallback.__kwdefaults__["optimizer"]

    def counted(*args, **kwargs):
        result = optimiser(*args, **kwargs)
        steps.append(result.step)
        return result

    monkeypatch.setitem(botorch.fit._fit_fallback.__kwdefaults__, "optimizer", counted)
    return steps


def test_past_the_threshold_a_fit_starts_from_the_last_and_takes_few_steps(fit_steps):
    strategy = _told(bo_model.WARM_START_AT + 20)
    strategy.dropped(strategy.ask(1))
    assert strategy.fitted and all(isinstance(v, (list, float)) for v in strategy.fitted.values())
    first = list(fit_steps)
    strategy.dropped(strategy.ask(1))
    assert first and max(first) <= bo_model.MAX_FIT_STEPS
    assert fit_steps[len(first):] and max(fit_steps[len(first):]) <= bo_model.MAX_WARM_FIT_STEPS


def test_below_the_threshold_a_fit_starts_cold_as_before():
    """Short runs (the README's NAGO figures) fit as they did: a start given below the threshold is not used."""
    strategy = _told(bo_model.WARM_START_AT + 5)
    strategy.dropped(strategy.ask(1))
    rows = list(strategy.observed.values())[:30]
    x = strategy.proposer.features([a for a, _, _ in rows])
    y = np.array([s for _, s, _ in rows])
    bounds = strategy.proposer.bounds(x)
    cold = bo_model.hyperparameters(bo_model.fit_model(x, y, None, bounds, 0))
    assert bo_model.hyperparameters(bo_model.fit_model(x, y, None, bounds, 0, start=strategy.fitted)) == cold
    assert cold != strategy.fitted


def test_a_resumed_bo_fits_from_the_saved_hyperparameters_and_proposes_alike():
    strategy = _told(bo_model.WARM_START_AT + 10)
    strategy.dropped(strategy.ask(1))
    state = json.loads(json.dumps(strategy.state_dict()))  # as the store keeps it
    assert state["hyperparameters"] == strategy.fitted
    resumed = BayesianOptimisation(strategy.space, seed=0, num_init=1)
    resumed.load_state_dict(state)
    assert resumed.fitted == strategy.fitted
    assert [strategy.space.format(a) for a in resumed.ask(1)] == [strategy.space.format(a) for a in strategy.ask(1)]


@pytest.mark.parametrize("damaged", [[1.0], {"covar_module.raw_lengthscale": "x"}, {"a": [float("nan")]}])
def test_damaged_saved_hyperparameters_are_refused(damaged):
    strategy = _told(3)
    state = strategy.state_dict()
    state["hyperparameters"] = damaged
    with pytest.raises(ValueError, match="hyperparameters is .*not a mapping of names to numbers"):
        BayesianOptimisation(strategy.space, seed=0, num_init=1).load_state_dict(state)
