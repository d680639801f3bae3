"""A strategy is told the proposals a resumed run drops past its budget (``Strategy.dropped``).

A plugin strategy's table lookups kept without its state are replayed on resume (engine/replays.py); where the
resumed strategy goes another way, the lookups left count as done, and its new proposals past the budget they spend
are dropped, never evaluated. They were never told to the strategy either, so it kept them as in flight: local search
kept a dropped restart point as the start it waits for, and a later resume with a larger budget drew at random for
ever, waiting ('explore meanwhile'), where it climbs; a guided strategy kept a dropped pick pending, never to propose
it again, and bo kept it as a pending point in every acquisition.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nasloop.engine import store_writes
from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import resume, search
from nasloop.engine.types import Arch, Observation
from nasloop.predictors.baselines import RandomPredictor
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.bo import BayesianOptimisation
from nasloop.strategies.local_search import LocalSearch
from nasloop.strategies.predictor_topk import PredictorTopK

from .test_replay_at_budget_end_m3 import interrupt_at


class AskCounting:
    """A mixin making nasloop's strategy a user's subclass that counts its asks in its own state (so its lookups are
    kept without a state when the run stops, and replayed on resume); set on the class, ``skip`` draws that many
    numbers more at each ask, so a resumed one goes another way."""

    skip, asks = 0, 0

    def ask(self, n: int) -> list[Arch]:
        self.asks += 1
        self.rng.random(type(self).skip)
        return super().ask(n)

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asks": self.asks}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asks = state["asks"]


class Climber(AskCounting, LocalSearch):
    """nasloop's local search as a user's subclass (:class:`AskCounting`), noting what it is told was dropped."""

    told: list[list[Arch]] = []  # what each call of dropped was given

    def dropped(self, archs: list[Arch]) -> None:
        Climber.told.append(list(archs))
        super().dropped(archs)


@pytest.fixture
def one_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run one group of lookups, committed as the run stops (without a state where it is interrupted)."""
    register_strategy("c6-climber")(Climber)
    monkeypatch.setattr(Climber, "skip", 0)
    monkeypatch.setattr(Climber, "told", [])
    monkeypatch.setattr(store_writes, "GROUP_SECONDS", 3600.0)


def _state(run: Path) -> dict[str, Any]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return json.loads(db.execute("SELECT state FROM strategy_state").fetchone()[0])


def _archs(run: Path) -> set[str]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return {row[0] for row in db.execute("SELECT arch FROM trials")}


def resumed_another_way(strategy: type[AskCounting], name: str, budget: int, run: Path, data_dir: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of the user's strategy ``name`` stopped by Ctrl-C once all its ``budget`` lookups finished, before any
    state after them, then resumed drawing other numbers than the run did: its one new proposal is dropped."""
    notes: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        search(SearchConfig(strategy=name, budget=budget, seed=3, data_dir=str(data_dir), run_dir=str(run)),
               on_progress=interrupt_at(budget))
    monkeypatch.setattr(strategy, "skip", 1)
    assert resume(run, on_note=notes.append)["evaluations"] == budget
    assert any("its 1 new proposal past the budget they spend is dropped" in note for note in notes), notes


def test_local_search_told_of_its_dropped_start_climbs_on_a_later_resume(tmp_path, data_dir, one_group, monkeypatch):
    run = tmp_path / "run"
    resumed_another_way(Climber, "c6-climber", 20, run, data_dir, monkeypatch)  # another restart point drawn
    state = _state(run)
    assert state["starts"] == [] and state["current"] is None  # was: the dropped start, never to be told
    assert len(Climber.told) == 1 and len(Climber.told[0]) == 1  # the one proposal dropped, never evaluated
    assert NB201Space().format(Climber.told[0][0]) not in _archs(run)
    assert resume(run, budget=40)["evaluations"] == 40
    state = _state(run)
    assert state["current"] is not None and state["current"][0] in _archs(run)  # was None: it drew at random, waiting


def test_each_strategy_forgets_what_it_is_told_was_dropped(nb201_context):
    """A dropped proposal is no longer in flight: local search asks a dropped neighbour again, predictor-topk and
    bo no longer hold their dropped picks pending, and what they were not told of is kept."""
    space = NB201Space()
    local = LocalSearch(space, seed=0)
    start = local.ask(1)[0]
    local.tell([Observation(start, 50.0)])
    first, second = local.ask(2)
    local.dropped([second])
    assert local.outstanding == [space.format(first)] and local.ask(1) == [second]
    local.dropped([start])  # not in flight: nothing changes
    assert local.outstanding == [space.format(first), space.format(second)]
    restart = LocalSearch(space, seed=0)
    restart.dropped(restart.ask(1))
    assert restart.starts == [] and restart.start_drawn == 0  # drawn afresh
    guided = PredictorTopK(space, seed=0, predictor=RandomPredictor(space), context=nb201_context, warmup=None)
    kept, dropped = guided.ask(2)
    guided.dropped([dropped])
    assert list(guided.pending.values()) == [kept]
    bo = BayesianOptimisation(space, seed=0)
    kept, dropped = bo.ask(2)
    bo.dropped([dropped])
    assert list(bo.pending.values()) == [kept]

