"""A predictor's state records what made it (predictor, space, options), and ``load_state_dict`` refuses, in one line
naming the options that differ and the fix, a state it cannot hold: it failed in numpy's or torch's words, or loaded
unseen (a width-64 MLP's weights in a predictor whose config says 32, a GP's state in an MLP). States saved before
the record existed, as stored runs hold them, load as they did."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.state_json import snapshot
from nasloop.engine.types import Observation
from nasloop.predictors.base import Predictor
from nasloop.predictors.blend import BlendPredictor
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.gp import GPPredictor
from nasloop.predictors.mlp import MLPEnsemblePredictor
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace
from nasloop.strategies.predictor_topk import PredictorTopK

SMALL_MLP = {"members": 2, "epochs": 5}
SMALL_FLAN = {"ensemble": 1, "steps": 3}


@pytest.fixture(scope="module")
def data(nb201_split):
    space, (cells, y), (others, _) = nb201_split(20, 10)
    return space, cells, y, others


def _saved(state: dict) -> dict:
    """The state as a run store gives it back."""
    return json.loads(json.dumps(state))


def test_a_gp_state_of_the_path_encoding_is_refused_by_a_onehot_gp_naming_the_option_and_the_fix(data):
    space, cells, y, _ = data
    state = _saved(GPPredictor(space, encoding="path", max_iter=20).fit(cells, y).state_dict())
    with pytest.raises(ConfigError) as refused:
        GPPredictor(space, encoding="onehot").load_state_dict(state)
    assert str(refused.value) == ("predictor gp: load_state_dict got a state saved with encoding='path' (here "
                                  "encoding='onehot'), which shape what it holds; build the predictor with the "
                                  "state's: GPPredictor(space, encoding='path')")


@pytest.mark.parametrize("options, differ", [({}, "members=2 (here members=5)"),
                                             ({"members": 2, "width": 32}, "width=64 (here width=32)")])
def test_an_mlp_state_is_refused_by_an_mlp_of_other_members_or_width(data, options, differ):
    space, cells, y, _ = data
    state = MLPEnsemblePredictor(space, **SMALL_MLP).fit(cells, y).state_dict()
    with pytest.raises(ConfigError, match=re.escape(f"saved with {differ}, which shape what it holds")):
        MLPEnsemblePredictor(space, **options).load_state_dict(state)


def test_flan_states_are_refused_by_a_flan_of_another_width_or_space(data):
    space, cells, y, _ = data
    state = _saved(FlanPredictor(space, hidden=48, **SMALL_FLAN).fit(cells[:8], y[:8]).state_dict())
    with pytest.raises(ConfigError, match=r"hidden=48 \(here hidden=16\).*FlanPredictor\(space, hidden=48\)$"):
        FlanPredictor(space, hidden=16, **SMALL_FLAN).load_state_dict(state)
    with pytest.raises(ConfigError, match="got a state saved on search space 'nb201', and this one is built on "
                       "'tnb101-micro'; load it into a flan predictor built on search space 'nb201'"):
        FlanPredictor(TNB101MicroSpace(), hidden=48).load_state_dict(state)


def test_one_predictor_refuses_another_predictors_state(data):
    space, cells, y, _ = data
    gp, mlp = GPPredictor(space, max_iter=20).fit(cells, y), MLPEnsemblePredictor(space, **SMALL_MLP).fit(cells, y)
    with pytest.raises(ConfigError, match="^predictor mlp: load_state_dict got the state of predictor 'gp' \\(saved "
                                          "with encoding='path', .*\\); load it into a gp predictor built with those"):
        MLPEnsemblePredictor(space).load_state_dict(gp.state_dict())
    with pytest.raises(ConfigError, match="^predictor gp: load_state_dict got the state of predictor 'mlp'"):
        GPPredictor(space).load_state_dict(mlp.state_dict())


def test_a_blend_names_its_members_option(data):
    space, cells, y, _ = data
    state = BlendPredictor(space, members={"gp": {"max_iter": 20}, "random": {}}).fit(cells, y).state_dict()
    with pytest.raises(ConfigError, match="^predictor blend: load_state_dict got a state saved with members="):
        BlendPredictor(space, members={"gp": {"max_iter": 20}, "mlp": SMALL_MLP}).load_state_dict(state)


def test_options_that_only_steer_later_fits_need_not_match(data):
    space, cells, y, others = data
    mlp = MLPEnsemblePredictor(space, seed=0, **SMALL_MLP).fit(cells, y)
    other = MLPEnsemblePredictor(space, seed=5, members=2, epochs=50, lr=0.01, warm_start=False)
    other.load_state_dict(_saved(mlp.state_dict()))  # the weights and generator are the state's
    assert all(np.array_equal(a, b) for a, b in zip(other.predict(others), mlp.predict(others)))


def test_a_state_saved_before_the_record_loads_as_it_did(data):
    space, cells, y, others = data
    gp = GPPredictor(space, max_iter=20).fit(cells, y)
    old = _saved(gp.state_dict())
    del old["built_with"]
    restored = GPPredictor(space, encoding="path", max_iter=20)
    restored.load_state_dict(old)
    assert all(np.array_equal(a, b) for a, b in zip(restored.predict(others), gp.predict(others)))


def test_a_guided_strategy_whose_saved_predictor_state_has_no_record_resumes_as_the_one_that_went_on(data):
    """Stored runs hold the predictor's state inside the strategy's: one saved before the record must resume."""
    space = data[0]

    def strategy() -> PredictorTopK:
        return PredictorTopK(space, seed=3, predictor=MLPEnsemblePredictor(space, **SMALL_MLP), num_init=3,
                             batch_size=2)

    def step(one: PredictorTopK, index: int) -> None:
        arch = one.ask(1)[0]
        one.tell([Observation(arch, float(sum(arch)) + index / 100)])

    going = strategy()
    for index in range(6):
        step(going, index)
    old = _saved(going.state_dict())
    assert old["predictor"].pop("built_with")["options"]["width"] == 64
    resumed = strategy()
    resumed.load_state_dict(old)
    for index in range(6, 9):
        step(going, index)
        step(resumed, index)
    assert resumed.state_dict()["observed"] == going.state_dict()["observed"]


@pytest.mark.parametrize("record", ["mlp", {"predictor": "mlp", "space": "nb201"}, None])
def test_a_damaged_record_is_named_as_such(data, record):
    space, cells, y, _ = data
    state = MLPEnsemblePredictor(space, **SMALL_MLP).fit(cells, y).state_dict()
    state["built_with"] = record
    with pytest.raises(DataError, match="^predictor mlp: load_state_dict got a state whose 'built_with' record is "
                                        "damaged .*; pass what state_dict\\(\\) returned, unchanged$"):
        MLPEnsemblePredictor(space, **SMALL_MLP).load_state_dict(state)


class _Halving(Predictor):
    """A user's predictor whose load_state_dict reads its own key and calls nothing of the base class."""

    def __init__(self, space, seed: int = 0, factor: float = 0.5) -> None:
        super().__init__(space, seed)
        self.factor = factor

    def _fit(self, archs, y) -> None:
        self._centre = float(np.mean(y)) * self.factor

    def predict(self, archs):
        return np.full(len(archs), self._centre), np.ones(len(archs))

    def state_dict(self) -> dict:
        return {**super().state_dict(), "centre": self._centre}

    def load_state_dict(self, state: dict) -> None:
        self._centre = state["centre"]


def test_a_users_predictor_is_checked_without_calling_the_base_class(data):
    space, cells, y, _ = data
    state = snapshot(_Halving(space, factor=0.25).fit(cells, y).state_dict())  # JSON data, as a run store takes it
    assert state["built_with"] == {"predictor": "_Halving", "space": "nb201", "options": {"factor": 0.25, "seed": 0}}
    with pytest.raises(ConfigError, match=r"saved with factor=0.25 \(here factor=0.5\)"):
        _Halving(space).load_state_dict(state)
    with pytest.raises(ConfigError, match=r"saved with seed=0 \(here seed=1\)"):  # nothing says its seed is free
        _Halving(space, seed=1, factor=0.25).load_state_dict(state)
