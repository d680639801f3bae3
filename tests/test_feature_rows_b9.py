"""The shared feature rows (feature_rows): gp and mlp read their vector encoding's rows there, as the forest reads
its features (each encoded every cell it ranked at every predict, 0.25-0.5 s on NB201, and 'predictors evaluate'
builds one per train size and seed); the tables kept are bounded by bytes, not by count (4 tables of NB101's 30,001
cells or of a wide feature set held far more than NB201's 10.9 MB). Counted here by the rows handed to the space's
real encode_many. Rows of features that read no data (a vector encoding, graph features) are keyed on the space and
the features alone: keyed on the data folders' state too, every gp or mlp build listed $NASLOOP_DATA and the cache
folder, and a file written there made them encode every cell again for the same rows (rows of proxies still follow
the folders: tests/test_feature_rows_g8.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.context import RunContext
from nasloop.engine.errors import ConfigError
from nasloop.predictors import feature_rows
from nasloop.predictors.features import FeatureSet
from nasloop.predictors.gp import GPPredictor
from nasloop.predictors.graph_features import GraphFeatures
from nasloop.predictors.mlp import MLPEnsemblePredictor
from nasloop.search_spaces.nb201 import NB201Space

from .encode_counts import counted_encodes


@pytest.fixture()
def encoded(monkeypatch) -> list[int]:
    """The number of architectures each encode_many call of NB201's encodes; no rows are kept at first."""
    feature_rows.forget_shared_rows()
    yield counted_encodes(monkeypatch, NB201Space)
    feature_rows.forget_shared_rows()


@pytest.mark.parametrize("factory", [lambda space: GPPredictor(space, seed=1, max_iter=20),
                                     lambda space: MLPEnsemblePredictor(space, seed=1, epochs=20)],
                         ids=["gp", "mlp"])
def test_a_second_predictor_reads_the_rows_the_first_encoded(encoded, factory):
    space = NB201Space()
    rng = np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(400)))
    train, y = cells[:20], rng.normal(size=20)
    first = factory(space)
    first.fit(train, y)
    mean, std = first.predict(cells)
    once = sum(encoded)
    assert len(cells) <= once <= len(cells) + 2  # every cell once (and a sample the feature names are counted on)
    second = factory(space)
    second.fit(train, y)
    again = second.predict(cells)
    assert sum(encoded) - once <= 1  # nothing encoded again
    assert np.array_equal(again[0], mean) and np.array_equal(again[1], std)
    assert np.isfinite(mean).all() and mean.std() > 0


def _cells(count: int) -> list:
    space = NB201Space()
    rng = np.random.default_rng(0)
    return list(dict.fromkeys(space.sample(rng) for _ in range(count)))


def test_past_the_byte_limit_the_oldest_table_is_dropped(encoded, monkeypatch):
    """Three tables of one size (the same encoding of three configurations of the space, each its own key; an
    encoding reads no data, so its rows no longer differ by the run's context), room for one and a half."""
    cells, context = _cells(300), RunContext(dataset=None)
    spaces = [NB201Space(channels=channels) for channels in (8, 16, 32)]
    first = FeatureSet(spaces[0], context, ["onehot"])
    first(cells)
    size = len(cells) * (len(first.names) * 8 + feature_rows.ROW_OVERHEAD)
    monkeypatch.setenv(feature_rows.LIMIT_VARIABLE, str(1.5 * size / 1e6))
    FeatureSet(spaces[1], context, ["onehot"])(cells)  # both together over the limit: the next asked for drops one
    FeatureSet(spaces[2], context, ["onehot"])(cells)
    counted = sum(encoded)
    FeatureSet(spaces[1], context, ["onehot"])(cells)  # the newer of the first two: kept
    assert sum(encoded) - counted <= 1
    FeatureSet(spaces[0], context, ["onehot"])(cells)  # the oldest: dropped, so encoded again
    assert sum(encoded) - counted >= len(cells)


def test_the_table_asked_for_is_kept_whatever_its_size(encoded, monkeypatch):
    monkeypatch.setenv(feature_rows.LIMIT_VARIABLE, "0")
    space, context, cells = NB201Space(), RunContext(dataset=None), _cells(100)
    FeatureSet(space, context, ["onehot"])(cells)
    counted = sum(encoded)
    FeatureSet(space, context, ["onehot"])(cells)
    assert sum(encoded) - counted <= 1
    FeatureSet(space, context, ["path"])
    FeatureSet(space, context, ["onehot"])(cells)
    assert sum(encoded) - counted >= len(cells)


def test_under_the_default_limit_several_tables_are_kept(encoded, monkeypatch):
    monkeypatch.delenv(feature_rows.LIMIT_VARIABLE, raising=False)
    assert feature_rows.limit_bytes() == feature_rows.DEFAULT_LIMIT_MB * 10**6
    space, context, cells = NB201Space(), RunContext(dataset=None), _cells(100)
    names = [["onehot"], ["path"], ["onehot", "path"], ["path", "onehot"], ["graph"]]
    for features in names:
        FeatureSet(space, context, features)(cells)
    counted = sum(encoded)
    FeatureSet(space, context, names[0])(cells)
    assert sum(encoded) - counted <= 1


@pytest.mark.parametrize("value", ["lots", "-1", "nan", "inf"])
def test_a_limit_that_is_no_size_is_refused_in_one_line(monkeypatch, value):
    monkeypatch.setenv(feature_rows.LIMIT_VARIABLE, value)
    with pytest.raises(ConfigError, match=f"NASLOOP_FEATURE_ROWS_MB is '{value}', not a number of megabytes"):
        FeatureSet(NB201Space(), RunContext(dataset=None), ["onehot"])


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
