"""Evolution's random start and bo's initial design forget a proposal a diverging resume drops past its budget
(``Strategy.dropped``), as local search and the guided strategies forget theirs (test_dropped_proposals_c6).

Evolution counted a dropped random draw in ``asked_random``, so its tournaments began one random member early; bo
counted a dropped initial point in ``initial_asked``, so its Sobol design skipped that point and its GP began on
one point fewer than ``num_init``.
"""
from __future__ import annotations

import json
import sqlite3

from nasloop.engine import store_writes
from nasloop.engine.registry import register_strategy
from nasloop.engine.types import Observation
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.bo import BayesianOptimisation
from nasloop.strategies.evolution import RegularizedEvolution

from .test_dropped_proposals_c6 import AskCounting, resumed_another_way


def test_evolution_draws_a_dropped_random_member_again_at_random():
    space = NB201Space()
    evolution = RegularizedEvolution(space, seed=0, population_size=3, sample_size=2)
    first, second, third = evolution.ask(3)
    evolution.dropped([third])
    assert evolution.state_dict()["asked_random"] == 2  # was 3: the dropped draw counted
    evolution.tell([Observation(first, 50.0), Observation(second, 60.0)])
    evolution.ask(1)  # the third random member, where it was a tournament's child
    assert evolution.state_dict()["asked_random"] == 3
    evolution.tell([Observation(first, 55.0)])
    child = evolution.ask(2)[1]
    evolution.dropped([child])  # a tournament's child: the random start is over, nothing to give back
    assert evolution.state_dict()["asked_random"] == 3


def test_bo_asks_a_dropped_initial_sobol_point_again():
    options = {"num_init": 3, "num_restarts": 2, "raw_samples": 64, "mc_samples": 32}
    design = BayesianOptimisation(NAGOSpace(param_limit=1e5), seed=2, **options).ask(3)
    bo = BayesianOptimisation(NAGOSpace(param_limit=1e5), seed=2, **options)
    kept = bo.ask(3)
    assert kept == design
    bo.dropped(kept[2:])
    assert bo.state_dict()["initial_asked"] == 2 and list(bo.pending.values()) == kept[:2]
    assert bo.ask(1) == design[2:]  # was the design's fourth point: the third never evaluated
    assert bo.state_dict()["initial_asked"] == 3


def test_bo_gives_back_only_the_initial_points_dropped():
    space = NB201Space()
    bo = BayesianOptimisation(space, seed=0, num_init=1)
    initial, drawn = bo.ask(2)  # the design's one point, then a random draw while there is nothing to model
    bo.dropped([drawn])
    assert bo.state_dict()["initial_asked"] == 1 and list(bo.pending.values()) == [initial]
    bo.dropped([initial])  # nasloop drops the tail of the last ask; this one was in it
    assert bo.state_dict()["initial_asked"] == 0 and not bo.pending


class Evolver(AskCounting, RegularizedEvolution):
    """nasloop's evolution as a user's subclass counting its asks (test_dropped_proposals_c6's
    :class:`AskCounting`)."""


def test_a_resume_dropping_a_random_draw_does_not_count_it(tmp_path, data_dir, monkeypatch):
    register_strategy("m6-evolver")(Evolver)
    monkeypatch.setattr(Evolver, "skip", 0)
    monkeypatch.setattr(store_writes, "GROUP_SECONDS", 3600.0)
    run = tmp_path / "run"
    resumed_another_way(Evolver, "m6-evolver", 10, run, data_dir, monkeypatch)  # other random members drawn
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        state = json.loads(db.execute("SELECT state FROM strategy_state").fetchone()[0])
    # the resumed strategy left the run at its first ask, the lookups left counting as done without it: its one
    # random draw was dropped, and no random member is asked yet (was 1: the dropped draw counted)
    assert state["asks"] == 1 and state["asked_random"] == 0
