"""A guided strategy's resume parses each saved architecture once: its predictor's state holds the texts of the cells
it was fitted on, the strategy's the same ones, and each was parsed twice (40,000 NB101 parses for a 20,000-trial
run, three times with a blend). The predictor now holds the very cells the strategy loaded, as in a run that went on;
outside a strategy's load every text is parsed."""
from __future__ import annotations

import json

import numpy as np

from nasloop.engine.cli import main
from nasloop.engine.context import RunContext
from nasloop.engine.state_loading import load_run_state
from nasloop.engine.store import RunStore
from nasloop.engine.types import Observation
from nasloop.predictors.baselines import RandomPredictor
from nasloop.predictors.blend import BlendPredictor
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.strategies.predictor_topk import PredictorTopK


def _strategy(space: NB101Space, predictor) -> PredictorTopK:
    return PredictorTopK(space, seed=5, predictor=predictor, num_init=4, batch_size=3, warmup=None,
                         pool_size=20)


def _ran(space: NB101Space, predictor, steps: int) -> PredictorTopK:
    strategy = _strategy(space, predictor)
    for step in range(steps):
        arch = strategy.ask(1)[0]
        strategy.tell([Observation(arch, None if step == 2 else float(np.sum(arch.matrix)) + step / 100)])
    return strategy


def test_the_resumed_predictor_holds_the_cells_the_strategy_loaded():
    space = NB101Space()
    state = json.loads(json.dumps(_ran(space, RandomPredictor(space), 12).state_dict()))  # as the store gives it
    resumed = _strategy(space, RandomPredictor(space))
    resumed.load_state_dict(state)
    loaded = {space.format(arch): arch for arch, _ in resumed.observed.values()}
    assert len(resumed.predictor._archs) >= 8
    assert all(arch is loaded[space.format(arch)] for arch in resumed.predictor._archs)
    assert resumed.state_dict() == state


def test_a_blends_members_hold_them_too():
    space = NB101Space()
    blend = lambda: BlendPredictor(space, members={"random": {}, "random#b": {}})  # noqa: E731
    state = json.loads(json.dumps(_ran(space, blend(), 12).state_dict()))
    resumed = _strategy(space, blend())
    resumed.load_state_dict(state)
    loaded = {id(arch) for arch, _ in resumed.observed.values()}
    members = [member._archs for member in resumed.predictor.held]
    assert len(members) == 2 and all(len(archs) >= 8 and {id(a) for a in archs} <= loaded for archs in members)


def test_a_predictor_loaded_on_its_own_parses_its_texts():
    space = NB101Space()
    first = RandomPredictor(space).fit([space.sample(np.random.default_rng(seed)) for seed in range(3)], [1, 2, 3])
    again = RandomPredictor(space)
    again.load_state_dict(first.state_dict())
    assert [space.format(arch) for arch in again._archs] == first.state_dict()["archs"]


def test_a_resume_reads_the_stored_trials_and_the_strategy_state_as_the_same_cells(tmp_path, data_dir):
    """The run's record of its trials was parsed a third time (20,000 more NB101 parses)."""
    run = tmp_path / "run"
    assert main(["search", "--space", "nb101", "--strategy", "predictor-topk", "--predictor", "random", "--seed", "5",
                 "--strategy-opt", "pool_size=20", "--budget", "14", "--quiet", "--data-dir", str(data_dir),
                 "--run-dir", str(run)]) == 0
    space = NB101Space(RunContext(data_dir=str(data_dir)))
    strategy = PredictorTopK(space, seed=5, predictor=RandomPredictor(space, seed=5), pool_size=20, warmup=None)
    with RunStore.in_run_dir(run, readonly=True) as store:
        stored, _ = load_run_state(space, strategy, store)
    assert len(strategy.observed) == len(stored) == 14
    assert all(stored[space.format(arch)] is arch for arch, _ in strategy.observed.values())
