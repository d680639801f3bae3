"""BANANAS' pool as its code fills it (naszilla's ``get_candidates``): mutants of the best cell first, then of the
next best, until the pool holds ``pool_size`` unseen cells (``parent_order=best_first``), where nasloop's default
takes the ``num_parents`` best in turn. Checked on the real NB201 table (CIFAR-10, 200-epoch validation)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.types import Observation
from nasloop.predictors.baselines import RandomPredictor
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.bananas import Bananas


@pytest.fixture(scope="module")
def space_and_scores(data_dir: Path) -> tuple[NB201Space, dict[tuple[int, ...], float]]:
    space = NB201Space()
    cells = list(space.enumerate())
    return space, dict(zip(cells, NB201Benchmark(data_dir).metric_values(cells, "cifar10").tolist()))


def _first_round(space: NB201Space, score: dict, **options) -> tuple[list, list]:
    """The 10 random cells told, best first, and the whole first round's picks (its batch is its pool)."""
    bananas = Bananas(space, seed=0, predictor=RandomPredictor(space), num_init=10, pool_size=30, batch_size=30,
                      max_edits=1, num_parents=5, **options)
    start = bananas.ask(10)
    bananas.tell([Observation(arch, score[arch]) for arch in start])
    return sorted(start, key=score.get, reverse=True), bananas.ask(30)


def _parents_of(space: NB201Space, picks: list, ranked: list) -> list[int]:
    """How many picks are one edit from each told cell, best first."""
    return [sum(pick in space.neighbours(cell) for pick in picks) for cell in ranked]


def test_best_first_mutates_the_best_cell_until_its_tries_run_dry(space_and_scores) -> None:
    space, score = space_and_scores
    ranked, picks = _first_round(space, score, parent_order="best_first")
    per_parent = _parents_of(space, picks, ranked)
    # 30 one-edit tries of the best cell find most of its 24 neighbours; the next best fills the pool
    assert per_parent[0] >= 12 and sum(per_parent[:3]) >= 30 and per_parent[3:] == [0] * 7, per_parent
    assert len(set(picks)) == 30 and not set(picks) & set(ranked)


def test_cycle_takes_the_parents_in_turn(space_and_scores) -> None:
    space, score = space_and_scores
    ranked, picks = _first_round(space, score)
    per_parent = _parents_of(space, picks, ranked)
    assert all(count >= 3 for count in per_parent[:5]) and per_parent[5:] == [0] * 5, per_parent


def test_an_unknown_order_is_refused_in_one_line(nasloop_in_process, data_dir: Path, tmp_path: Path) -> None:
    proc = nasloop_in_process(["search", "--space", "nb201", "--strategy", "bananas", "--strategy-opt",
                               "parent_order=best", "--budget", "5", "--data-dir", str(data_dir),
                               "--run-dir", str(tmp_path / "run")])
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "parent_order" in proc.stderr
    assert "cycle" in proc.stderr and "best_first" in proc.stderr
