"""Score-based and graph-feature encodings, and the forest predictor, on the real NB201 data."""
from __future__ import annotations

import csv
import gzip

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.errors import ConfigError, DataError, UnsupportedError
from nasloop.engine.registry import PREDICTORS
from nasloop.predictors.features import FeatureScaler, FeatureSet
from nasloop.predictors.graph_features import GraphFeatures
from nasloop.search_spaces.cell_space import live_cell
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.cell import SPEC
from nasloop.search_spaces.nb201.benchmark import SUITE_ZERO
from nasloop.search_spaces.suite_zero_csv import PROXIES
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

SPACE = NB201Space()
ALL_NONE = SPACE.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
# conv on 0->1 feeds node 1, whose only way on (1->3) is none, and nothing reaches node 2 from the input:
# the 0->1 and 2->3 convs are dead; only the 0->3 pool joins input to output.
DEAD = SPACE.parse("|nor_conv_3x3~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|")


def test_live_form_reproduces_the_suite_zero_cell_list(data_dir):
    with gzip.open(data_dir / SUITE_ZERO.name, "rt") as fh:
        listed = {SPACE.parse(row["arch_str"]) for row in csv.DictReader(fh)}
    assert {live_cell(SPEC, c) for c in SPACE.enumerate()} == listed  # the 9,445 cells, exactly
    assert live_cell(SPEC, DEAD) == SPACE.parse("|none~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|none~2|")


def test_nb201_serves_the_13_suite_zero_proxies_for_every_cell(nb201_context, data_dir):
    benchmark = nb201_context.benchmark
    assert set(PROXIES) <= set(benchmark.proxy_names("cifar10"))
    assert set(PROXIES) <= set(benchmark.proxy_names("ImageNet16-120"))
    assert benchmark.proxy_names("cifar100") == ["flops", "params", "zen"]  # the suite scored no CIFAR-100
    with gzip.open(data_dir / SUITE_ZERO.name, "rt") as fh:
        rows = {SPACE.parse(r["arch_str"]): r for r in csv.DictReader(fh)}
    live = live_cell(SPEC, DEAD)
    for proxy in ("synflow", "jacov", "nwot"):
        got = benchmark.proxy_scores([DEAD, live], proxy, "cifar10")
        assert got[0] == got[1] == float(rows[live][f"{proxy}_cifar10"])  # a dead-op cell reads its live form
    assert np.isnan(benchmark.proxy_scores([ALL_NONE], "jacov", "cifar10")).all()  # the suite's -1e8
    # and its synflow 0.0, an unlogged sum of 0 (log -inf): undefined, as computed ('synflow is -inf'); it was 0.0
    assert float(rows[ALL_NONE]["synflow_cifar10"]) == 0.0
    assert np.isnan(benchmark.proxy_scores([ALL_NONE, DEAD], "synflow", "ImageNet16-120")[0])
    # the table's own Zen still answers 'zen' (the measured warm-up reads it)
    assert benchmark.proxy_scores([live], "zen", "cifar10")[0] == pytest.approx(float(rows[live]["zen_cifar10"]),
                                                                                 abs=1e-4)


def test_a_space_sized_away_from_the_benchmark_gets_no_stored_scores_and_no_table(data_dir, tmp_path, capsys):
    """A search of 8-channel, 1-cell networks read Suite-Zero's scores of the benchmark's 16-channel, 5-cell ones
    as features, and a tabular run took --space-opt channels=8 and stored the default networks' results."""
    from nasloop.engine.assemble import build_context
    from nasloop.engine.cli import main

    context = build_context(NB201Space, "cifar10", str(data_dir))
    small, cells = NB201Space(channels=4, cells=1), [DEAD]
    stored = context.scorer(NB201Space(), "params")(cells)
    computed = context.scorer(small, "params")(cells)
    assert computed[0] < stored[0] / 10  # scored on the run's own networks, not read from the table
    assert small.resized() == ["channels=4", "cells=1"] and NB201Space(channels=16).resized() == []
    assert main(["search", "--space-opt", "channels=8", "--budget", "3", "--data-dir", str(data_dir), "--run-dir",
                 str(tmp_path / "r")]) == 2
    assert "--space-opt channels=8 sizes the networks nb201 builds, and the tabular evaluator reads its table's " \
           "results for the benchmark's own networks" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_another_tasks_stored_proxies_are_columns_of_their_own(nb201_context, data_dir):
    features = FeatureSet(SPACE, nb201_context, ["proxies", "proxies:imagenet16-120"])
    assert features.names[:13] == sorted(PROXIES) and features.names[13:] == [f"ImageNet16-120:{p}" for p in
                                                                              sorted(PROXIES)]
    with gzip.open(data_dir / SUITE_ZERO.name, "rt") as fh:
        row = next(r for r in csv.DictReader(fh) if SPACE.parse(r["arch_str"]) == live_cell(SPEC, DEAD))
    values = dict(zip(features.names, features([DEAD])[0]))
    for proxy in ("synflow", "nwot"):
        assert values[f"ImageNet16-120:{proxy}"] == float(row[f"{proxy}_imagenet16"])
        assert values[proxy] == float(row[f"{proxy}_cifar10"]) != values[f"ImageNet16-120:{proxy}"]
    with pytest.raises(ConfigError, match="proxies of task 'svhn'.*tasks of nb201: cifar10"):
        FeatureSet(SPACE, nb201_context, ["proxies:svhn"])
    for twice, column in ((["proxies", "proxies:CIFAR10"], "epe_nas"), (["synflow", "proxies:cifar10"], "synflow")):
        with pytest.raises(ConfigError, match=f"give the column '{column}' twice .*proxies:<this run's task>"):
            FeatureSet(SPACE, nb201_context, twice)
    own = FeatureSet(SPACE, nb201_context, ["proxies:cifar10"])  # alone they are the run's proxies
    assert dict(zip(own.names, own([DEAD])[0]))["cifar10:synflow"] == values["synflow"]
    # 'features=[proxies: ImageNet16-120]' (a space after the colon) reaches the option as a YAML mapping
    with pytest.raises(ConfigError, match=r"got \[\{'proxies': 'ImageNet16-120'\}\] \(YAML read 'proxies: "
                                          r"ImageNet16-120' as a mapping: .* e\.g\. proxies:ImageNet16-120\)$"):
        PREDICTORS.get("forest")(SPACE, context=nb201_context, features=[{"proxies": "ImageNet16-120"}])
    typed = FeatureSet(SPACE, nb201_context, "proxies, proxies:imagenet16-120")  # as --predictor-opt gives it
    assert typed.names == features.names
    np.testing.assert_array_equal(typed([DEAD]), features([DEAD]))


def test_the_scaler_keeps_heavy_tailed_proxies_near_the_training_range(nb201_context):
    grasp = FeatureSet(SPACE, nb201_context, ["grasp"])(SPACE.enumerate())  # skew about 118 over NB201
    train, others = grasp[:8], grasp[8:]
    raw, squashed = FeatureScaler.fit(train, squash=False), FeatureScaler.fit(train)
    assert np.abs(raw.transform(others)[:, 0]).max() > 1e5  # 2.4 million spreads out on these 8 cells
    assert np.abs(squashed.transform(others)[:, 0]).max() < 50
    restored = FeatureScaler.from_state(squashed.state())
    assert np.array_equal(restored.transform(others), squashed.transform(others))
    older = {"mean": raw.mean.tolist(), "scale": raw.scale.tolist()}  # saved before squash existed
    assert np.array_equal(FeatureScaler.from_state(older).transform(others), raw.transform(others))


def test_graph_features_count_paths_and_ops_of_a_known_cell():
    features = GraphFeatures(SPACE, max_subset=3)
    cell = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                       "+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")
    row = dict(zip(features.names, features([cell])[0]))
    # input-to-output routes of the cell: 0-3 (skip), 0-1-3, 0-2-3, 0-1-2-3; in the ops-on-nodes graph a
    # route over k edges is a path of k + 1 arcs.
    assert row["graph:paths"] == 4 and row["graph:shortest_path"] == 2 and row["graph:longest_path"] == 4
    assert row["graph:shared/conv3x3:count"] == 5 and row["graph:shared/conv3x3:paths_through"] == 3
    assert row["graph:shared/skip:paths_only"] == 1 and row["graph:shared/avg_pool3x3:count"] == 0
    assert row["graph:shared/conv3x3:paths_only"] == 3
    # op subsets: skip or conv3x3 covers all four routes, the shortest the skip's; nothing runs on conv1x1 or pool
    both = {f: row[f"graph:shared/skip+shared/conv3x3:{f}"]
            for f in ("paths", "shortest", "longest", "output_in_degree")}
    assert both == {"paths": 4, "shortest": 2, "longest": 4, "output_in_degree": 3}
    assert row["graph:shared/conv1x1+shared/avg_pool3x3:paths"] == 0
    assert row["graph:shared/conv1x1+shared/avg_pool3x3:longest"] == 0
    # the dataflow view bypasses the skip: the input feeds the output directly, which no op "owns"
    assert row["dataflow:shortest_path"] == 1 and row["dataflow:shared/avg_pool3x3:paths_only"] == 0
    assert row["dataflow:shared/conv1x1+shared/conv3x3:paths"] == 3
    assert row["dataflow:shared/conv1x1+shared/conv3x3:output_in_degree"] == 2
    assert len(GraphFeatures(SPACE).names) < len(features.names)  # subsets are opt-in
    dead = dict(zip(features.names, features([DEAD])[0]))
    assert dead["dataflow:live_nodes"] == 3 and dead["dataflow:shared/conv3x3:live"] == 0
    assert dead["dataflow:shared/conv3x3:count"] == 1


@pytest.mark.parametrize("space", [NB101Space(), TNB101MicroSpace(), SPACE], ids=lambda s: s.name)
def test_graph_features_serve_every_space_with_a_graph_encoding(space):
    rng = np.random.default_rng(0)
    archs = [space.sample(rng) for _ in range(300)]
    x = GraphFeatures(space)(archs)
    assert x.shape == (300, len(GraphFeatures(space).names)) and np.isfinite(x).all()
    assert (x.std(axis=0) > 0).sum() >= 10  # they tell architectures apart
    assert np.array_equal(GraphFeatures(space)(archs[:7]), x[:7])  # batching changes nothing


@pytest.mark.parametrize("space", [NB101Space(), DartsSpace()], ids=lambda s: s.name)
def test_op_subset_paths_agree_with_enumerating_every_path(space):
    import networkx as nx
    features = GraphFeatures(space, max_subset=3)
    rng = np.random.default_rng(3)
    archs = [space.sample(rng) for _ in range(40)]
    x = features(archs)
    assert (x[:, [i for i, n in enumerate(features.names) if "+" in n and n.endswith(":paths")]] > 0).any()
    for arch, row in zip(archs, x):
        g = space.encode(arch, "graph")
        routes = list(nx.all_simple_paths(nx.DiGraph(list(zip(*np.asarray(g.edges).reshape(2, -1).tolist()))),
                                          0, g.num_nodes - 1))
        got = dict(zip(features.names, row))
        for subset in features.subsets[::3]:
            ops = {features.tokens[i] for i in subset}
            mine = [r for r in routes if len(r) > 2 and all(g.ops[v] in ops for v in r[1:-1])]
            name = "graph:" + "+".join(features.tokens[i] for i in subset)
            assert got[f"{name}:paths"] == len(mine)
            assert got[f"{name}:longest"] == max((len(r) - 1 for r in mine), default=0)
            assert got[f"{name}:shortest"] == min((len(r) - 1 for r in mine), default=0)
            assert got[f"{name}:output_in_degree"] == len({r[-2] for r in mine})


def test_graph_features_do_not_depend_on_how_a_space_numbers_its_nodes():
    from nasloop.search_spaces.base import GraphEncoding

    class Reversed(NB101Space):  # a user's space listing the middle nodes backwards: arcs may point to lower indices
        def encode_many(self, archs, kind):
            out = []
            for g in super().encode_many(archs, kind):
                last = g.num_nodes - 1
                new = np.array([0, *range(last - 1, 0, -1), last])  # old index -> new index
                ops = [g.ops[0], *g.ops[last - 1:0:-1], g.ops[last]]
                out.append(GraphEncoding(tuple(ops), new[np.asarray(g.edges).reshape(2, -1)]))
            return out

    rng = np.random.default_rng(5)
    archs = [NB101Space().sample(rng) for _ in range(60)]
    reordered = Reversed().encode_many(archs, "graph")
    assert any((np.asarray(g.edges)[0] > np.asarray(g.edges)[1]).any() for g in reordered)  # not topological
    expected = GraphFeatures(NB101Space(), max_subset=3)(archs)
    assert np.array_equal(GraphFeatures(Reversed(), max_subset=3)(archs), expected)
    assert (expected[:, [i for i, n in enumerate(GraphFeatures(NB101Space(), max_subset=3).names)
                         if "+" in n and n.endswith(":paths")]] > 0).any()


def test_a_space_without_graphs_or_stored_proxies_is_told_in_one_line():
    nago = NAGOSpace(param_limit=1e5)
    with pytest.raises(UnsupportedError, match="declares none"):
        GraphFeatures(nago)
    from nasloop.engine.context import RunContext
    with pytest.raises(UnsupportedError, match="none are stored"):
        FeatureSet(nago, RunContext(), ["proxies"])
    with pytest.raises(ConfigError, match="neither a vector encoding.*'graph-subsets' \\(either also as :<graph "
                                          "encoding>\\), 'proxies', 'proxies:<task>' nor a proxy"):
        FeatureSet(SPACE, RunContext(), ["no-such-feature"])
    with pytest.raises(ConfigError, match="proxies:<task>, graph, graph-subsets \\(either also as :<graph "
                                          "encoding>\\)"):
        FeatureSet(SPACE, RunContext(), [])  # every form named, as in the message above
    with pytest.raises(ConfigError, match="give the column 'graph:paths' twice .*; name each once"):
        FeatureSet(SPACE, RunContext(), ["graph", "graph:graph"])  # the same features, counted twice unseen
    subsets = FeatureSet(SPACE, RunContext(), ["graph-subsets:dataflow"])
    assert "dataflow:shared/skip+shared/conv3x3:paths" in subsets.names
    assert not any(n.startswith("graph:") for n in subsets.names)


def test_a_network_space_with_nothing_stored_or_encoded_gets_computed_proxies(data_dir):
    from nasloop.engine.context import RunContext
    from nasloop.predictors.features import COMPUTED_DEFAULT, default_features

    class Bare(NB201Space):
        vector_encodings, graph_encodings = (), ()

    space = Bare(channels=4, cells=1)
    assert default_features(space, RunContext()) == list(COMPUTED_DEFAULT)
    forest = PREDICTORS.get("forest")(space, context=RunContext(data_dir=str(data_dir)), trees=20)
    cells = [space.sample(np.random.default_rng(i)) for i in range(6)]
    mean, std = forest.fit(cells, np.arange(6.0)).predict(cells)
    assert np.isfinite(mean).all() and len(std) == 6


@pytest.fixture(scope="module")
def split(nb201_split):
    return nb201_split(40, 128, 3000)


def test_forest_on_proxies_ranks_from_few_cells_and_spreads_its_trees(split, nb201_context):
    space, (small_x, small_y), (train_x, train_y), (test_x, test_y) = split
    forest = PREDICTORS.get("forest")(space, seed=1, context=nb201_context, features=["proxies"])
    mean, std = forest.fit(small_x, small_y).predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic > 0.55  # about 0.69 at 40 cells (README); chance is 0
    assert (std >= 0).all() and (std > 0).mean() > 0.9
    both = PREDICTORS.get("forest")(space, seed=1, context=nb201_context)  # default: proxies + graph features
    names = both._features.names  # one per feature column
    assert "synflow" in names and any(n.startswith("dataflow:") for n in names)
    tau = stats.kendalltau(both.fit(train_x, train_y).predict(test_x)[0], test_y).statistic
    assert tau > 0.7  # about 0.80 at 128 cells
    restored = PREDICTORS.get("forest")(space, seed=1, context=nb201_context)
    restored.load_state_dict(both.state_dict())
    assert np.array_equal(restored.predict(test_x[:50])[0], both.predict(test_x[:50])[0])


def test_undefined_proxy_scores_are_named_or_imputed(nb201_context, split):
    space, (train_x, train_y), *_ = split
    strict = PREDICTORS.get("forest")(space, context=nb201_context, features=["jacov"], missing="error")
    pathless = sum(live_cell(SPEC, c) == ALL_NONE for c in train_x) + 1  # no input-output path: no jacov
    with pytest.raises(DataError, match=rf"feature 'jacov' is undefined or not stored \(NaN\) for {pathless} of "
                                        rf"{len(train_x) + 1} .*; pass --predictor-opt missing=impute to fill them, or "
                                        r"drop that "
                                        r"feature$"):
        strict.fit(train_x + [ALL_NONE], np.append(train_y, 10.0))
    lenient = PREDICTORS.get("forest")(space, context=nb201_context, features=["jacov"])
    lenient.fit(train_x + [ALL_NONE], np.append(train_y, 10.0))
    assert np.isfinite(lenient.predict([ALL_NONE])[0]).all()
    pathless = [c for c in space.enumerate() if live_cell(SPEC, c) == ALL_NONE][:5]  # jacov undefined on all
    blind = PREDICTORS.get("forest")(space, context=nb201_context, features=["jacov", "params"])
    assert np.isfinite(blind.fit(pathless, np.arange(5.0)).predict(train_x[:3])[0]).all()
    flan = PREDICTORS.get("flan")(space, context=nb201_context, supplementary="jacov", missing="error", steps=1,
                                  ensemble=1, views="graph, dataflow")  # a comma-separated value, as typed
    assert flan.views == ["graph", "dataflow"]
    with pytest.raises(DataError, match="feature 'jacov' is undefined"):  # FLAN's supplementary input alike
        flan.fit(train_x + [ALL_NONE], np.append(train_y, 10.0))


def test_tnb101_micro_serves_the_suite_zero_proxies_through_live_forms(data_dir):
    from nasloop.search_spaces.tnb101.benchmark import TNB101MicroBenchmark
    from nasloop.search_spaces.tnb101.codes import MICRO_SPEC
    from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

    space, benchmark = TNB101MicroSpace(), TNB101MicroBenchmark(data_dir)
    with gzip.open(data_dir / TNB101MicroBenchmark.suite_zero_file.name, "rt") as fh:
        rows = {space.parse(r["tnb_arch_str"]): r for r in csv.DictReader(fh)}
    assert len(rows) == 2128 == len({live_cell(MICRO_SPEC, c) for c in space.enumerate()})
    dead = space.parse("64-41414-3_00_300")  # the conv into node 1 feeds nothing that reaches the output
    live = live_cell(MICRO_SPEC, dead)
    assert live != dead and live in rows
    got = benchmark.proxy_scores([dead, live], "nwot", "class_scene")
    assert got[0] == got[1] == float(rows[live]["nwot"])
    assert "nwot" not in benchmark.proxy_names("jigsaw")  # the suite scored class_scene only


def test_the_feature_cache_is_bounded_and_changes_no_value(nb201_context, monkeypatch):
    import nasloop.predictors.features as features
    from nasloop.predictors import feature_rows

    monkeypatch.setattr(features, "CACHE_ROWS", 10)
    feature_rows.forget_shared_rows()  # rows of this key another test of the process read (all 15,625 cells) are
    # shared, not added: none would be dropped, which the clean-clone CI met when the files' order put one before
    rng = np.random.default_rng(4)
    archs = [SPACE.sample(rng) for _ in range(30)]
    cached = FeatureSet(SPACE, nb201_context, ["proxies", "graph"])
    first, again = cached(archs[:25]), cached(archs[5:30])
    assert len(cached._cache) <= 25  # a batch is never cut short, older rows are dropped
    fresh = FeatureSet(SPACE, nb201_context, ["proxies", "graph"])(archs)
    assert np.array_equal(first, fresh[:25], equal_nan=True) and np.array_equal(again, fresh[5:], equal_nan=True)
