"""The proxy evaluator builds one network for all replicates where they provably score alike.

A network space's replicates differ in their initial weights alone, and params and flops read none: each
replicate's network was built and scored anew all the same (a 30-evaluation NB201 search with params,flops and
``replicates=10``: 159 CPU s, 18 with one replicate). A proxy that reads the weights (synflow), or a generator
space's draws (other networks), still build one network a replicate.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import register_search_space
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.nb201.space import NB201Space

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class CountedNB201(NB201Space):
    """NB201 at its smallest (4 channels, 1 cell), counting the networks it builds (in this process)."""

    built = 0

    def __init__(self, channels: int = 4, cells: int = 1) -> None:
        super().__init__(channels=channels, cells=cells)

    def to_module(self, arch, num_classes=10):
        type(self).built += 1
        return super().to_module(arch, num_classes=num_classes)


class CountedNAGO(NAGOSpace):
    """NAGO (a generator space: each draw another network) of small networks, counting the networks it builds."""

    built = 0

    def __init__(self, param_limit: float = 1e5) -> None:
        super().__init__(param_limit=param_limit)

    def to_module(self, arch, num_classes=10, seed=0):
        type(self).built += 1
        return super().to_module(arch, num_classes=num_classes, seed=seed)


@pytest.fixture
def counted():
    for name, space in (("d16-counted-nb201", CountedNB201), ("d16-counted-nago", CountedNAGO)):
        space.built = 0
        register_search_space(name)(space)  # dropped after the test (conftest)


def _search(space: str, proxies: list[str], replicates: int, run: Path, data_dir: Path) -> list[dict[str, float]]:
    """The run's evaluations' metrics; the space counts the networks its evaluations built, from the run's start
    (the checks before it build a network to size the space's largest)."""
    counted = {"d16-counted-nb201": CountedNB201, "d16-counted-nago": CountedNAGO}[space]

    def started(run_dir: str) -> None:
        counted.built = 0

    search(SearchConfig(space=space, evaluator="proxy", budget=3, seed=0, data_dir=str(data_dir), run_dir=str(run),
                        evaluator_options={"proxies": proxies, "replicates": replicates}), on_run_dir=started)
    with RunStore.in_run_dir(run) as store:
        return [dict(t.result.metrics) for t in store.evaluations()]


@pytest.mark.usefixtures("counted")
def test_structural_proxies_score_one_network_for_every_replicate(tmp_path, data_dir):
    rows = _search("d16-counted-nb201", ["params", "flops"], 4, tmp_path / "run", data_dir)
    assert len(rows) == 3
    assert CountedNB201.built == 3  # before: 12, a network a replicate
    for metrics in rows:
        for name in ("params", "flops"):
            assert [metrics[f"{name}@{draw}"] for draw in range(4)] == [metrics[name]] * 4
            assert metrics[f"{name}_std"] == 0.0
        assert metrics["replicates"] == 4.0


@pytest.mark.usefixtures("counted")
def test_its_values_are_those_each_replicate_scored_on_its_own(tmp_path, data_dir):
    one = _search("d16-counted-nb201", ["params", "flops"], 1, tmp_path / "one", data_dir)
    many = _search("d16-counted-nb201", ["params", "flops"], 3, tmp_path / "many", data_dir)
    assert [{name: row[name] for name in ("params", "flops")} for row in one] == \
        [{name: row[f"{name}@2"] for name in ("params", "flops")} for row in many]


@pytest.mark.usefixtures("counted")
def test_a_proxy_reading_the_weights_still_scores_each_replicates_network(tmp_path, data_dir):
    rows = _search("d16-counted-nb201", ["synflow", "params"], 2, tmp_path / "run", data_dir)
    assert CountedNB201.built == 6
    assert any(row["synflow@0"] != row["synflow@1"] for row in rows)  # the weights differ, and so do the scores


@pytest.mark.usefixtures("counted")
def test_a_generator_spaces_draws_are_each_built(tmp_path, data_dir):
    rows = _search("d16-counted-nago", ["params"], 2, tmp_path / "run", data_dir)
    assert CountedNAGO.built == 6
    assert any(row["params@0"] != row["params@1"] for row in rows)  # other networks, of other sizes
