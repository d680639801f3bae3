"""Rows of features that read no data (a vector encoding: gp's and mlp's; graph features) were keyed on the state of
the data folders, so every gp or mlp build listed $NASLOOP_DATA and the cache folder, and a file written there (a
table imported, a proxy file precomputed) made them encode every cell again for the same rows. They are now keyed on
the space and the features alone; rows of proxies still follow the folders (tests/test_feature_rows_g8.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.context import RunContext
from nasloop.predictors import feature_rows
from nasloop.predictors.features import FeatureSet
from nasloop.predictors.gp import GPPredictor
from nasloop.predictors.graph_features import GraphFeatures
from nasloop.search_spaces.nb201 import NB201Space


@pytest.fixture()
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of architectures each call of NB201's real encode_many encodes; no rows are kept at first."""
    feature_rows.forget_shared_rows()
    counts: list[int] = []
    real = NB201Space.encode_many

    def counted(self, archs, kind):
        counts.append(len(archs))
        return real(self, archs, kind)

    monkeypatch.setattr(NB201Space, "encode_many", counted)
    yield counts
    feature_rows.forget_shared_rows()


def test_a_file_written_to_the_data_folder_leaves_encoded_rows_shared(encoded: list[int], tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("NASLOOP_DATA", str(folder))
    space = NB201Space()
    rng = np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(300)))
    train, y = cells[:16], rng.normal(size=16)
    first = GPPredictor(space, seed=1, max_iter=20)
    first.fit(train, y)
    mean, _ = first.predict(cells)
    once = sum(encoded)
    assert once >= len(cells)
    (folder / "nb201_zc_proxies.csv").write_text("written since\n")  # a proxy file: no encoding reads it
    second = GPPredictor(space, seed=1, max_iter=20)
    second.fit(train, y)
    assert sum(encoded) - once <= 1  # nothing encoded again (a sample the feature names are counted on)
    assert np.array_equal(second.predict(cells)[0], mean)


def test_graph_features_share_rows_whatever_the_data_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feature_rows.forget_shared_rows()
    computed: list[int] = []
    real = GraphFeatures.__call__
    monkeypatch.setattr(GraphFeatures, "__call__", lambda self, archs: computed.append(len(archs)) or real(self, archs))
    space = NB201Space()
    rng = np.random.default_rng(1)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(50)))
    assert len(cells) > 40
    monkeypatch.setenv("NASLOOP_DATA", str(tmp_path))
    try:
        values = FeatureSet(space, RunContext(dataset="cifar10", data_dir=str(tmp_path)), ["graph"])(cells)
        assert sum(computed) == len(cells)
        (tmp_path / "written-since").write_text("")
        again = FeatureSet(space, RunContext(dataset=None), ["graph"])(cells)  # a script's, without the run's context
        assert sum(computed) == len(cells) and np.array_equal(again, values)
    finally:
        feature_rows.forget_shared_rows()
