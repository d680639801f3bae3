"""The strategies do what README's "Strategies against their papers" says, checked on the real NB201 table.

Local search (White et al.) moves only to a better neighbour and restarts only where no neighbour of its point scores
higher, in both improvement modes; evolution's tournament draws ``sample_size`` distinct members (Real et al.'s
Algorithm 1 draws with replacement, which README states and measures)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.types import Observation
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.evolution import RegularizedEvolution
from nasloop.strategies.local_search import LocalSearch


def _space_and_scores(data_dir: Path) -> tuple[NB201Space, dict[tuple[int, ...], float]]:
    """NB201 and every cell's CIFAR-10 validation accuracy (200 epochs), as the tabular evaluator answers."""
    space = NB201Space()
    cells = list(space.enumerate())
    return space, dict(zip(cells, NB201Benchmark(data_dir).metric_values(cells, "cifar10").tolist()))


@pytest.mark.parametrize("improvement", ["first", "best"])
def test_local_search_climbs_only_uphill_and_restarts_only_at_a_local_optimum(data_dir: Path,
                                                                              improvement: str) -> None:
    space, score = _space_and_scores(data_dir)
    strategy = LocalSearch(space, seed=0, improvement=improvement)
    points = [strategy.state_dict()["current"]]  # the point climbed from after every ask and tell, as saved
    for _ in range(300):
        arch = strategy.ask(1)[0]
        points.append(strategy.state_dict()["current"])
        strategy.tell([Observation(arch, score[arch])])
        points.append(strategy.state_dict()["current"])
    moves = restarts = 0
    for before, after in zip(points, points[1:]):
        if before is None or before == after:
            continue  # no point yet, or the same one: a restart's start point may score anything
        left = space.parse(before[0])
        if after is None:
            restarts += 1
            assert max(score[n] for n in space.neighbours(left)) <= score[left], (
                f"restarted from {before[0]}, which has a better neighbour")
        else:
            moves += 1
            assert space.parse(after[0]) in space.neighbours(left) and after[1] > before[1]
    assert moves >= 5 and restarts >= 2  # the run climbed and restarted, so both checks ran


def test_the_tournament_draws_distinct_members(data_dir: Path) -> None:
    """A tournament of the whole population (sample 2 of 2) always picks the better member; drawn with replacement
    it would pick the worse one twice in a quarter of the tournaments."""
    space, score = _space_and_scores(data_dir)
    evolution = RegularizedEvolution(space, seed=0, population_size=2, sample_size=2)
    start = evolution.ask(2)
    evolution.tell([Observation(arch, score[arch]) for arch in start])
    better, worse = sorted(start, key=score.get, reverse=True)
    assert sum(a != b for a, b in zip(better, worse)) >= 3  # no child of the worse is one edit from the better
    children = [evolution.ask(1)[0] for _ in range(40)]  # not told: every tournament sees the same population
    assert all(child in space.neighbours(better) for child in children)
