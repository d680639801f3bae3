"""Local search starts each climb from the best of ``start_best_of`` random draws, as White et al.'s code does
(naszilla's ``local_search``, ``num_init=10``); 1, the default, starts from one draw as their Algorithm 1 does.
Checked on the real NB201 table (CIFAR-10, 200-epoch validation accuracy, as the tabular evaluator answers)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.types import Observation
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.local_search import LocalSearch


@pytest.fixture(scope="module")
def space_and_scores(data_dir: Path) -> tuple[NB201Space, dict[tuple[int, ...], float]]:
    space = NB201Space()
    cells = list(space.enumerate())
    return space, dict(zip(cells, NB201Benchmark(data_dir).metric_values(cells, "cifar10").tolist()))


def _climb_starts(strategy: LocalSearch, score: dict, queries: int) -> list[tuple[list, tuple]]:
    """``(the draws since the last climb, the point climbed from next)`` at every start of a climb of ``queries``
    asked and told one at a time, the point read from the saved state as a resume reads it."""
    starts, draws = [], []
    for _ in range(queries):
        arch = strategy.ask(1)[0]
        drawn = strategy.state_dict()["current"] is None  # asked with no point to climb from: a start draw
        strategy.tell([Observation(arch, score[arch])])
        current = strategy.state_dict()["current"]
        if drawn:
            draws.append(arch)
            if current is not None:
                starts.append((draws, strategy.space.parse(current[0])))
                draws = []
    return starts


@pytest.mark.parametrize("best_of", [1, 10])
def test_each_climb_starts_from_the_best_of_its_draws(space_and_scores, best_of: int) -> None:
    space, score = space_and_scores
    starts = _climb_starts(LocalSearch(space, seed=0, start_best_of=best_of), score, 300)
    assert len(starts) >= 3  # it restarted, so later climbs were checked too
    for draws, start in starts:
        assert len(draws) == best_of
        assert score[start] == max(score[d] for d in draws) and start in draws


def test_the_best_of_ten_resumes_between_its_draws(space_and_scores) -> None:
    """Stopped after 4 of a restart's 10 draws, a resumed search asks the same cells as one that never stopped."""
    space, score = space_and_scores
    whole = LocalSearch(space, seed=1, start_best_of=10)
    first = LocalSearch(space, seed=1, start_best_of=10)
    for strategy in (whole, first):
        for _ in range(4):
            arch = strategy.ask(1)[0]
            strategy.tell([Observation(arch, score[arch])])
    resumed = LocalSearch(space, seed=1, start_best_of=10)
    resumed.load_state_dict(first.state_dict())
    for strategy in (whole, resumed):
        strategy.asked = []
        for _ in range(40):
            arch = strategy.ask(1)[0]
            strategy.tell([Observation(arch, score[arch])])
            strategy.asked.append(arch)
    assert whole.asked == resumed.asked


def test_a_state_saved_before_the_option_resumes(space_and_scores) -> None:
    """A stored run's state holds its one restart point as ``start`` (text, or None): it climbs from it when told."""
    space, score = space_and_scores
    strategy = LocalSearch(space, seed=2)
    arch = strategy.ask(1)[0]
    state = {k: v for k, v in strategy.state_dict().items() if k not in ("starts", "start_drawn", "best_start")}
    resumed = LocalSearch(space, seed=2)
    resumed.load_state_dict({**state, "start": space.format(arch)})
    resumed.tell([Observation(arch, score[arch])])
    assert resumed.state_dict()["current"] == [space.format(arch), score[arch]]


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "ten", "100001"])
def test_a_count_out_of_bounds_is_refused_in_one_line(nasloop_in_process, data_dir: Path, tmp_path: Path,
                                                      value: str) -> None:
    proc = nasloop_in_process(["search", "--space", "nb201", "--strategy", "local", "--strategy-opt",
                               f"start_best_of={value}", "--budget", "5", "--data-dir", str(data_dir),
                               "--run-dir", str(tmp_path / "run")])
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "start_best_of must be an integer >= 1 and <= 100000" in proc.stderr
    assert not (tmp_path / "run").exists()
