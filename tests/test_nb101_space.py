"""NAS-Bench-101 as a search space and a benchmark, on the shipped 30k table.

The table covers about 7 % of the space, so with the tabular evaluator the space keeps to its
cells; outside it an architecture is a stored failure, never a crash. Everything here reads the
real ``nasbench101_30k.json.gz``.
"""
from __future__ import annotations

import gzip
import json
import pickle
import re

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.assemble import build_context
from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.table import Table
from nasloop.engine.errors import ArchitectureError, ConfigError, DataError
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.nb101.graph import make_cell
from nasloop.search_spaces.nb101.space import NB101Space

BEST_VAL = 94.9119


@pytest.fixture(scope="module")
def records(data_dir) -> list[dict]:
    return json.loads(gzip.decompress((data_dir / "nasbench101_30k.json.gz").read_bytes()))


@pytest.fixture(scope="module")
def context(data_dir):
    return build_context(NB101Space, "cifar10", str(data_dir), lookup=True)


@pytest.fixture(scope="module")
def table_space(context) -> NB101Space:
    return NB101Space(context=context)


def test_the_tabular_space_is_the_table(table_space, context, records):
    assert table_space.table_only and table_space.size == len(records) == 30_001
    keys = {r["hash"] for r in records}
    rng = np.random.default_rng(0)
    drawn = [table_space.sample(rng) for _ in range(200)]
    assert {table_space.hash(a) for a in drawn} <= keys
    children = [table_space.mutate(a, rng) for a in drawn[:40]]
    assert {table_space.hash(c) for c in children} <= keys  # mutation stays inside the table
    assert all(table_space.hash(c) != table_space.hash(a) for a, c in zip(drawn, children))
    for arch in drawn[:20]:
        assert {table_space.hash(n) for n in table_space.neighbours(arch)} <= keys
    assert [table_space.hash(a) for a in table_space.enumerate()] == [r["hash"] for r in records]


def test_ranking_by_a_proxy_the_source_scored_for_a_third_of_the_cells_is_refused(table_space, context, records,
                                                                                  data_dir, capsys):
    """Zen ranked the two thirds of NB101 it lacks last: zero-cost's default read tau 0.08 at 40 cells."""
    from nasloop.engine.errors import ConfigError
    from nasloop.predictors.baselines import ZeroCostPredictor

    scored = sum(r.get("zen") is not None for r in records)
    assert context.benchmark.partial_proxies("cifar10") == {"zen": (scored, len(records))}
    with pytest.raises(ConfigError, match=rf"proxy 'zen' is stored for {scored:,} of the {len(records):,} nb101 "
                                          r"cells only .* --predictor-opt proxy=flops \(flops, params\)$"):
        ZeroCostPredictor(table_space, context=context)
    assert main(["predictors", "evaluate", "--space", "nb101", "--predictors", "zero-cost,forest", "--train-sizes",
                 "40", "--seeds", "1", "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err  # advised proxy=flops, which forest then refused as not its option
    assert error.rstrip().endswith("--predictor-opt zero-cost.proxy=flops (flops, params)")
    cells = list(table_space.enumerate())[:50]
    by_params = ZeroCostPredictor(table_space, context=context, proxy="params")
    assert np.isfinite(by_params.predict(cells)[0]).all()


def test_a_run_off_the_table_computes_stored_proxies_on_its_own_networks_for_every_cell(context, data_dir):
    """A proxy-evaluator run on NB101 meets cells the table lacks: their stored-proxy features were NaN (one
    imputed constant), and a table cell's stored score is of the full-size network, not the run's."""
    from nasloop.predictors.features import FeatureSet

    off = build_context(NB101Space, "cifar10", str(data_dir), lookup=False)
    small = NB101Space(off, stem_channels=4, stacks=1, cells=1)
    assert not small.table_only and off.computes(small, "params") and not context.computes(NB101Space(), "params")
    assert context.computes(small, "params")  # the table's scores are of full-size networks, even in a lookup
    rng = np.random.default_rng(0)
    cells = [small.sample(rng) for _ in range(6)]
    assert not all(context.benchmark.holds(cells))  # most of the space is outside the 30,001 cells
    features = FeatureSet(small, off, ["params"], missing="error")(cells)[:, 0]
    built = [sum(p.numel() for p in small.to_module(a).parameters()) for a in cells]
    assert np.isfinite(features).all() and stats.spearmanr(features, built).statistic == pytest.approx(1.0)
    held = next(iter(context.benchmark.cells()))
    assert FeatureSet(small, off, ["params"])([held])[0, 0] != context.benchmark.proxy_scores([held], "params",
                                                                                              "cifar10")[0]


def test_a_lookup_reports_the_table_with_measured_and_estimated_costs(context, records):
    benchmark, space = context.benchmark, NB101Space()
    record = records[0]
    cell = make_cell(record["matrix"], record["ops"])
    assert space.hash(cell) == record["hash"]
    full = benchmark.query(cell, "cifar10")
    assert full.metrics["val_accuracy"] == record["val_acc_108"] and "test_accuracy" not in full.metrics
    assert full.metrics["params_m"] == record["params"] / 1e6 and full.metrics["flops_m"] > 0
    assert full.cost == record["train_time_108"] and not full.cost_estimated  # measured
    short = benchmark.query(cell, "cifar10", 12)
    assert short.metrics["val_accuracy"] == record["val_acc_12"]
    assert short.cost == pytest.approx(record["train_time_108"] * 12 / 108) and short.cost_estimated
    assert benchmark.fidelities("cifar10") == [4, 12, 36, 108]
    assert max(r["val_acc_108"] for r in records) == BEST_VAL
    assert benchmark.proxy_names("cifar10") == ["flops", "params", "zen"]
    zen = benchmark.proxy_scores([cell, make_cell(records[1]["matrix"], records[1]["ops"])], "zen", "cifar10")
    assert zen.tolist() == pytest.approx([records[0]["zen"], records[1]["zen"]])


def test_a_cell_the_table_lacks_at_a_fidelity_fails_marked_as_an_estimated_cost(context, records):
    # Its scaled cost was charged as if it were a measured training time.
    full = context.benchmark.table
    columns = {**full.columns, "cifar10@12:val_accuracy": full.columns["cifar10@12:val_accuracy"].copy()}
    row = context.benchmark.row(make_cell(records[0]["matrix"], records[0]["ops"]))
    columns["cifar10@12:val_accuracy"][row] = np.nan

    class Gapped(NB101Benchmark):
        table = Table(columns, full.meta)

    failed = Gapped().query(make_cell(records[0]["matrix"], records[0]["ops"]), "cifar10", 12)
    assert failed.reason == "no 12-epoch result for this cell in the NB101 table"
    assert failed.cost == pytest.approx(records[0]["train_time_108"] * 12 / 108) and failed.cost_estimated


def test_a_whole_table_of_targets_is_what_each_query_gives(context, records):
    """Predictor targets and a study's optimum queried all 30k cells, each working out its FLOPs (11 s)."""
    from nasloop.search_spaces.benchmark import Benchmark

    full = context.benchmark.table
    cells = [make_cell(r["matrix"], r["ops"]) for r in records[:40]]
    rows = [context.benchmark.row(c) for c in cells]
    columns = {**full.columns, "cifar10@12:val_accuracy": full.columns["cifar10@12:val_accuracy"].copy()}
    columns["cifar10@12:val_accuracy"][rows[0]] = np.nan
    # a test accuracy as NASLib's pickles add it, missing for one cell that has a validation result
    columns["cifar10@12:test_accuracy"] = full.columns["cifar10@12:val_accuracy"] - 1.0
    columns["cifar10@12:test_accuracy"][rows[1]] = np.nan

    class Gapped(NB101Benchmark):
        table = Table(columns, full.meta)

    unbound = NB101Space(context=build_context(NB101Space, "cifar10", None), table_only=False)
    rng = np.random.default_rng(0)
    outside = next(c for c in (unbound.sample(rng) for _ in range(200)) if not context.benchmark.holds([c])[0])
    cells.append(outside)
    gapped = Gapped()
    for fidelity in (12, 108):
        for metric in ("val_accuracy", "test_accuracy", "params_m", "flops_m"):
            fast = gapped.metric_values(cells, "cifar10", metric, fidelity)
            each = Benchmark.metric_values(gapped, cells, "cifar10", metric, fidelity)
            np.testing.assert_array_equal(fast, each)
    assert np.isnan(gapped.metric_values(cells, "cifar10", fidelity=12)[[0, -1]]).all()
    assert np.isfinite(gapped.metric_values(cells, "cifar10", fidelity=12)[1:-1]).all()
    tests = gapped.metric_values(cells, "cifar10", "test_accuracy", 12)
    assert np.isnan(tests[[0, 1, -1]]).all() and np.isfinite(tests[2:-1]).all()
    assert context.benchmark.optimum("cifar10") == BEST_VAL


def test_show_says_which_fidelity_dedup_evaluator_and_executor_a_run_used(tmp_path, data_dir, capsys, monkeypatch):
    # A 12-epoch run's summary looked exactly like a 108-epoch one, and a run of a user's evaluator or executor
    # like one of the table's, in process.
    summary = search(SearchConfig(space="nb101", strategy="random", budget=3, fidelity=12, dedup="functional",
                                  data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert (summary["fidelity"], summary["dedup"]) == (12, "functional")
    assert (summary["evaluator"], summary["executor"]) == ("tabular", "inprocess")
    monkeypatch.setenv("COLUMNS", "200")  # one table row per line
    assert main(["show", summary["run_dir"]]) == 0
    shown = capsys.readouterr().out
    assert "nb101 / cifar10, fidelity 12, functional dedup" in shown
    assert re.search(r"evaluator / executor +│ tabular / inprocess", shown), shown
    # NB101 scales a measured 108-epoch time; TNB101, NB301 and NDS have no time at all (cost 0, estimated)
    assert "(3 of them estimated: the table lacks their measured training time)" in shown


def test_isomorphic_numberings_are_one_architecture(records):
    space = NB101Space()
    record = next(r for r in records if len(r["ops"]) == 7 and not r["matrix"][1][2] and r["ops"][1] != r["ops"][2])
    cell = make_cell(record["matrix"], record["ops"])
    order = [0, 2, 1, 3, 4, 5, 6]  # swap the first two middle nodes: not joined, so still a topological order
    matrix = np.asarray(record["matrix"])[np.ix_(order, order)]
    renumbered = make_cell(matrix, [record["ops"][i] for i in order])
    assert renumbered != cell and space.hash(renumbered) == space.hash(cell) == record["hash"]
    assert space.canonical(renumbered) == space.canonical(cell)


def test_an_architecture_outside_the_table_is_a_stored_failure(tmp_path, data_dir):
    summary = search(SearchConfig(space="nb101", strategy="random", budget=20, seed=0, data_dir=str(data_dir),
                                  space_options={"table_only": False}, run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 20 and 0 < summary["failed"] < 20  # NB101's sampler favours small cells
    with RunStore.in_run_dir(tmp_path / "run") as store:
        failed = store.trials("status = 'failed'")
    assert all(t.result.reason.startswith("not in the NB101 table") for t in failed)


@pytest.mark.parametrize("strategy,predictor", [("evolution", None), ("local", None), ("bananas", "gp"),
                                                ("bananas", "mlp"), ("predictor-topk", "flan")])
def test_every_strategy_searches_the_table(strategy, predictor, tmp_path, data_dir):
    options = {"num_init": 6, "batch_size": 3} if predictor else {}
    if strategy == "predictor-topk":  # a pool of table cells per round instead of all 30,001 (the benchmark times that)
        options.update(enumerate_limit=1000, pool_size=300)
    summary = search(SearchConfig(space="nb101", strategy=strategy, predictor=predictor, budget=12, seed=1,
                                  strategy_options=options, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 12 and summary["failed"] == 0
    assert 80 < summary["best"]["metrics"]["val_accuracy"] <= BEST_VAL


def test_the_importer_round_trips_the_json_and_reads_naslib_pickles(tmp_path, data_dir, records, capsys):
    out = tmp_path / "out"
    assert main(["data", "import", "--space", "nb101", str(data_dir / "nasbench101_30k.json.gz"),
                 "--out", str(out)]) == 0
    assert "the NB101 30k JSON" in capsys.readouterr().out
    imported = Table.load(out / "nb101.npz")
    direct = NB101Benchmark(data_dir).table
    assert sorted(imported.columns) == sorted(direct.columns)
    for name, column in direct.columns.items():
        np.testing.assert_array_equal(imported.columns[name], column, err_msg=name)
    # NASLib's layout: {hash: (fixed statistics, {108: [runs]})}, here built from three real cells.
    naslib = {}
    for record in records[:3]:
        runs = [{"final_validation_accuracy": record["val_acc_108"] / 100 + d, "final_test_accuracy": 0.9 + d,
                 "final_training_time": record["train_time_108"] + 10 * d, "final_train_accuracy": 1.0}
                for d in (-0.001, 0.0, 0.001)]
        naslib[record["hash"]] = ({"module_adjacency": np.asarray(record["matrix"]), "module_operations": record["ops"],
                                   "trainable_parameters": record["params"]}, {108: runs})
    (tmp_path / "nb101.pkl").write_bytes(pickle.dumps(naslib))
    table = NB101Benchmark.import_files([tmp_path / "nb101.pkl"])
    assert list(table.columns["hash"]) == [r["hash"] for r in records[:3]]
    assert table.columns["cifar10@108:test_accuracy"].tolist() == pytest.approx([90.0] * 3)
    assert NB101Benchmark.recognise(tmp_path / "nb101.pkl") == "NASLib's NB101 pickle"


def test_an_objective_only_some_cells_have_is_taken(tmp_path, data_dir, records):
    # Test accuracy from a NASLib pickle for three cells past the table's first: the objective check read the
    # first cell only and refused --objective test_accuracy, which a search of the table can use.
    naslib = {}
    for record in records[100:103]:
        runs = [{"final_validation_accuracy": record["val_acc_108"] / 100, "final_test_accuracy": 0.9,
                 "final_training_time": record["train_time_108"], "final_train_accuracy": 1.0}] * 3
        naslib[record["hash"]] = ({"module_adjacency": np.asarray(record["matrix"]), "module_operations": record["ops"],
                                   "trainable_parameters": record["params"]}, {108: runs})
    (tmp_path / "nb101.pkl").write_bytes(pickle.dumps(naslib))
    NB101Benchmark.import_files([data_dir / "nasbench101_30k.json.gz", tmp_path / "nb101.pkl"]).save(
        tmp_path / "nb101.npz")
    assert "test_accuracy" not in NB101Benchmark(tmp_path).query(NB101Benchmark(tmp_path).cells()[0], "cifar10").metrics
    summary = search(SearchConfig(space="nb101", strategy="random", budget=5, objective="test_accuracy",
                                  data_dir=str(tmp_path), run_dir=str(tmp_path / "run")))
    # Accepted, and the cells without it fail with the reason (the 5 random cells here are all such).
    assert summary["failed"] == 5 and "no finite 'test_accuracy' in this result" in summary["stop_reason"]


def test_bad_graphs_and_foreign_files_are_one_line_errors(tmp_path, data_dir, capsys):
    space = NB101Space()
    for text, fragment in (("conv3x3(0)+conv3x3(2)+output(1)", "not an earlier node"),
                           ("conv9x9(0)+output(1)", "conv9x9"),
                           ("output(0)+conv3x3(1)", "expected op\\(sources\\)"),
                           ("+".join(["conv3x3(0)"] * 6) + "+output(1)", "at most 7")):
        with pytest.raises(ArchitectureError, match=fragment) as info:
            space.parse(text)
        assert "\n" not in str(info.value)
    cycle = [[0, 1, 0], [0, 0, 1], [0, 1, 0]]
    with pytest.raises(ArchitectureError, match="cycle"):
        make_cell(cycle, ["input", "conv3x3-bn-relu", "output"])
    dense = np.triu(np.ones((7, 7), dtype=int), 1)
    with pytest.raises(ArchitectureError, match="at most 9"):
        make_cell(dense, ["conv3x3"] * 5)
    assert main(["data", "import", "--space", "nb101", str(data_dir / "transnas101_val.json.gz"),
                 "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "tnb101-micro" in error and "not of --space nb101" in error
    with pytest.raises(ConfigError, match="full NB101 space .* is not enumerated"):
        list(NB101Space().enumerate())
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"not": "nb101"}')
    with pytest.raises(DataError, match="not a format of the nb101 benchmark"):
        NB101Benchmark.import_files([garbage])


def test_without_the_nb101_table_zero_cost_computes_its_proxy_instead_of_needing_the_table(tmp_path, monkeypatch):
    """Asking the table which proxies are partial loaded it, so a proxy run without the NB101 data failed."""
    from nasloop.engine.config import construct
    from nasloop.engine.registry import PREDICTORS

    monkeypatch.delenv("NASLOOP_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    context = build_context(NB101Space, "cifar10", str(tmp_path), lookup=False)
    predictor = construct("predictor", "zero-cost", PREDICTORS.get("zero-cost"), NB101Space(context),
                          wiring={"context": context, "seed": 0})
    assert predictor.builds_networks
