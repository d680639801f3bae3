"""Feature sets reading the same data the same way share their rows within a process: 'predictors evaluate' built a
forest per train size and seed, and each encoded every NB201 cell again (4.5 s after a fit of 0.3 s on 8 cells).
Counted here by the rows handed to the graph features, the real ones, each call passed on to them."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.predictors import feature_rows
from nasloop.predictors.graph_features import GraphFeatures


def _subset(cell) -> bool:
    """625 of NB201's cells: a whole evaluation in about a second."""
    return cell[0] == 1 and cell[1] == 2


@pytest.fixture()
def graph_rows(monkeypatch) -> list:
    """The architectures the graph features compute rows of, one list a call; no row table is kept at first."""
    feature_rows.forget_shared_rows()
    calls: list = []
    real = GraphFeatures.__call__

    def counted(self, archs):
        calls.append(list(archs))
        return real(self, archs)

    monkeypatch.setattr(GraphFeatures, "__call__", counted)
    yield calls
    feature_rows.forget_shared_rows()


def _evaluate(data_dir, features):
    return evaluate_predictors(["forest"], [8, 20], [0, 1], data_dir=str(data_dir), keep_cell=_subset,
                               predictor_options={"forest": {"trees": 20, "features": features}})


def _computed(calls) -> int:
    return sum(len(archs) for archs in calls)


def test_a_second_evaluate_reads_the_rows_the_first_computed(data_dir, graph_rows):
    first = _evaluate(data_dir, ["proxies", "graph"])
    once = _computed(graph_rows)
    read = [a for archs in graph_rows for a in archs]
    assert len(read) == len(set(read)) >= 625  # each cell once, across the four fits
    second = _evaluate(data_dir, ["proxies", "graph"])
    assert _computed(graph_rows) == once  # nothing computed again
    assert [r["kendall_tau"] for r in second] == [r["kendall_tau"] for r in first]
    assert all(np.isfinite(r["kendall_tau"]) for r in first)


def test_another_feature_list_gets_rows_of_its_own(data_dir, graph_rows):
    both = _evaluate(data_dir, ["proxies", "graph"])
    once = _computed(graph_rows)
    alone = _evaluate(data_dir, ["graph"])
    assert _computed(graph_rows) - once >= 625  # every cell's graph features again, for rows without proxies
    assert [r["kendall_tau"] for r in alone] != [r["kendall_tau"] for r in both]
    assert [r["kendall_tau"] for r in _evaluate(data_dir, ["graph"])] == [r["kendall_tau"] for r in alone]


def test_a_file_added_to_the_data_folder_gets_fresh_rows(data_dir, tmp_path, isolated_cache, graph_rows):
    """A table or proxy file imported since may change any row: whatever enters a data folder, rows are computed
    again."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("nasbench201_all.csv.gz", "nb201_zc_proxies.csv.gz"):
        (folder / name).symlink_to(data_dir / name)
    first = _evaluate(folder, ["proxies", "graph"])
    once = _computed(graph_rows)
    _evaluate(folder, ["proxies", "graph"])
    assert _computed(graph_rows) == once
    (folder / "notes.txt").write_text("an unrelated file")
    again = _evaluate(folder, ["proxies", "graph"])
    assert _computed(graph_rows) - once >= 625
    assert [r["kendall_tau"] for r in again] == [r["kendall_tau"] for r in first]
