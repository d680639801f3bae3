"""The DARTS / NB301 space: genotype forms, identity, moves, the network, and the NB301 table."""
from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.table import Table
from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.engine.registry import PREDICTORS
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.darts.benchmark import NB301Benchmark
from nasloop.search_spaces.darts.genotype import EXAMPLE, format_arch, neighbours, parse_arch
from nasloop.search_spaces.darts.space import DartsSpace

DARTS_V2 = ("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
            "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
            "normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
            "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), "
            "('max_pool_3x3', 1)], reduce_concat=range(2, 6))")
SPACE = DartsSpace()


def test_genotype_and_compact_forms_parse_to_one_architecture_and_round_trip():
    arch = parse_arch(DARTS_V2)  # as the DARTS repository writes it, concat as range(2, 6)
    assert arch == EXAMPLE
    compact = "[[(0,3),(1,3),(0,3),(1,3),(1,3),(0,2),(0,2),(2,5)],[(0,0),(1,0),(2,2),(1,0),(0,0),(2,2),(2,2),(1,0)]]"
    assert parse_arch(compact) == arch  # NASLib's compact NB301 form
    assert SPACE.parse(SPACE.format(arch)) == arch
    rng = np.random.default_rng(0)
    for _ in range(200):
        sampled = SPACE.sample(rng)
        assert SPACE.parse(SPACE.format(sampled)) == sampled


@pytest.mark.parametrize("text,message", [
    ("[[(0,3),(0,3)] ,[]]", "must list 8 (input, op) pairs"),
    ("[[(0,3),(1,3),(0,3),(1,3),(1,3),(0,2),(0,2),(5,5)],[(0,0),(1,0),(2,2),(1,0),(0,0),(2,2),(2,2),(1,0)]]",
     "node 5 of the normal cell reads input 5; it may read 0..4 (the cell inputs 0 and 1 and the nodes before it"),
    ("[[(0,3),(0,3),(0,3),(1,3),(1,3),(0,2),(0,2),(2,5)],[(0,0),(1,0),(2,2),(1,0),(0,0),(2,2),(2,2),(1,0)]]",
     "reads input 0 twice"),
    ("[[(0,9),(1,3),(0,3),(1,3),(1,3),(0,2),(0,2),(2,5)],[(0,0),(1,0),(2,2),(1,0),(0,0),(2,2),(2,2),(1,0)]]",
     "has op 9; ops are 0..6"),
    (DARTS_V2.replace("dil_conv_3x3", "conv_7x7"), "normal entry ('conv_7x7', 2) names no op of the DARTS space "
     "(max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5)"),
    (DARTS_V2.replace("('sep_conv_3x3', 0)", "('sep_conv_3x3', 0.0)", 1),  # was named in the compact form
     "normal entry ('sep_conv_3x3', 0.0) is not an (op, input) pair with an integer input"),
    (DARTS_V2.replace("normal_concat=range(2, 6)", "normal_concat=[4, 5]"), "concatenates all four nodes"),
    ("__import__('os').system('true')", "is neither a DARTS genotype string"),
    # each of these was accepted and built a network other than the one written
    (DARTS_V2.replace("normal_concat=range(2, 6)", "normal_concat=range(2, 5)"), "normal_concat is [2, 3, 4]"),
    (DARTS_V2.replace("normal_concat=range(2, 6)", "normal_concat=(2, 3)"), "normal_concat is [2, 3]"),
    (DARTS_V2.replace("reduce_concat=", "normal=[], reduce_concat="), "gives normal twice"),
    (DARTS_V2.replace("reduce_concat=", "garbage=__import__('os'), reduce_concat="), "has no field 'garbage'"),
    (DARTS_V2.replace("normal=[", "normal=2 * ["), "normal is not a literal"),
])
def test_malformed_architectures_are_one_line_errors(text, message):
    with pytest.raises(ArchitectureError, match=re.escape(message)):
        parse_arch(text)


def test_a_nodes_two_inputs_in_either_order_are_one_function():
    swapped = (EXAMPLE[0][1:2] + EXAMPLE[0][0:1] + EXAMPLE[0][2:], EXAMPLE[1])
    assert SPACE.hash(swapped) != SPACE.hash(EXAMPLE)
    assert SPACE.functional_hash(swapped) == SPACE.functional_hash(EXAMPLE)
    assert np.array_equal(SPACE.encode(swapped, "onehot"), SPACE.encode(EXAMPLE, "onehot"))


def test_neighbours_are_every_single_edit_and_mutation_picks_one():
    near = neighbours(EXAMPLE)
    # per cell: 8 pairs x 6 other ops, plus moving a pair's input to another allowed one (0, 1, 2, 3 per
    # node's pair, twice per node)
    assert len(near) == 2 * (8 * 6 + 2 * (0 + 1 + 2 + 3)) == len({format_arch(a) for a in near})
    for other in near:
        differing = sum(a != b for cell, ocell in zip(EXAMPLE, other) for a, b in zip(cell, ocell))
        assert differing == 1 and SPACE.validate(other) == other
    rng = np.random.default_rng(1)
    assert all(SPACE.mutate(EXAMPLE, rng) in near for _ in range(50))


def test_the_network_has_darts_published_size_and_runs_on_images():
    model = DartsSpace(channels=36, layers=20).to_module(EXAMPLE)
    assert sum(p.numel() for p in model.parameters()) == 3_349_342  # DARTS-V2 without its auxiliary head
    small = DartsSpace(channels=8, layers=5).to_module(parse_arch(DARTS_V2), num_classes=10)
    out = small(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 10) and torch.isfinite(out).all()


def test_the_nb301_table_counts_parameters_of_nb301s_smaller_training_network(data_dir):
    """The stored params (and so the other stored proxies) are of 32 channels and 8 cells, the network NB301
    trained, not of the DARTS evaluation network the space builds by default: the README says so."""
    bench = NB301Benchmark(data_dir)
    cells = bench.cells()[:4]
    stored = bench.proxy_scores(cells, "params", "cifar10")
    counted = {size: np.array([sum(p.numel() for p in DartsSpace(channels=size[0], layers=size[1]).to_module(c)
                                   .parameters()) / 1e6 for c in cells]) for size in ((32, 8), (36, 20))}
    assert np.allclose(counted[(32, 8)], stored, rtol=0.02)
    assert (counted[(36, 20)] > 2.5 * stored).all()


def test_graph_encoding_joins_both_cells_in_topological_order():
    graph = SPACE.encode(EXAMPLE, "graph")
    assert graph.num_nodes == 20 and graph.ops[0] == "shared/input" and graph.ops[-1] == "shared/output"
    assert graph.ops.count("shared/concat") == 2
    assert (graph.edges[0] < graph.edges[1]).all()
    # node 3 of the normal cell reads node 0 (input 2): its op node (pair 7, node 8) reads pairs 0 and 1 (nodes 1, 2)
    assert {1, 2} <= set(graph.edges[0][graph.edges[1] == 8].tolist())


@pytest.fixture(scope="module")
def table(data_dir):
    return NB301Benchmark(data_dir)


def test_the_nb301_table_serves_surrogate_accuracy_and_stored_proxies(table, data_dir):
    with gzip.open(data_dir / "zc_proxies_partial.json.gz", "rt") as fh:
        records = json.load(fh)["nasbench301"]["cifar10"]
    key, record = next(iter(records.items()))
    arch = SPACE.parse(key.replace("(", "[").replace(")", "]"))
    result = table.query(arch, "cifar10")
    assert result.metrics == {"val_accuracy": record["val_accuracy"], "surrogate": 1.0} and result.cost_estimated
    assert "surrogate" in table.task("cifar10").description
    assert table.proxy_scores([arch], "synflow", "cifar10")[0] == record["synflow"]
    assert len(table.task_cells("cifar10")) == 725 and len(table.task_cells("svhn")) == 199
    # the surrogate predicts CIFAR-10 only: the suite's other tasks are its own runs, not marked as predicted
    svhn = table.query(table.task_cells("svhn")[0], "svhn")
    assert svhn.ok and "surrogate" not in svhn.metrics and "surrogate-predicted" not in table.task("svhn").description
    outside = SPACE.sample(np.random.default_rng(5))  # not a table cell; the reason counts the task's own cells
    assert "it has 725 cifar10 cells" in table.query(outside, "cifar10").reason
    assert "it has 199 svhn cells" in table.query(outside, "svhn").reason


def test_another_tasks_proxies_that_score_other_cells_are_refused(data_dir):
    """NB301's 199 svhn cells share none of its 725 CIFAR-10 ones: 'proxies:svhn' gave a forest constant
    columns and tau NaN without a word."""
    from nasloop.predictors.features import FeatureSet

    context = build_context(DartsSpace, "cifar10", str(data_dir), lookup=True)
    with pytest.raises(ConfigError, match=r"'proxies:svhn' reads the proxies nb301 stores for task 'svhn', and they "
                                          r"score none of the 725 cells it stores cifar10 proxies for"):
        FeatureSet(DartsSpace(context), context, ["proxies", "proxies:svhn"])


def test_a_tabular_search_keeps_to_the_table_and_a_predictor_ranks_it(tmp_path, data_dir):
    summary = search(SearchConfig(space="darts", strategy="evolution", budget=40, seed=2, data_dir=str(data_dir),
                                  strategy_options={"population_size": 10, "sample_size": 3},  # mutants too
                                  run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 40 and summary["failed"] == 0
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        assert all(t.result.metrics["surrogate"] == 1.0 for t in store.evaluations())
    context = build_context(DartsSpace, "cifar10", str(data_dir), lookup=True)
    space = DartsSpace(context)
    cells = list(space.enumerate())
    y = np.array([context.benchmark.query(c, "cifar10").metrics["val_accuracy"] for c in cells])
    forest = PREDICTORS.get("forest")(space, seed=0, context=context).fit(cells[:200], y[:200])
    from scipy import stats
    assert stats.kendalltau(forest.predict(cells[200:])[0], y[200:]).statistic > 0.3  # about 0.5


@pytest.mark.parametrize("strategy,predictor", [("local", None), ("predictor-topk", "forest"), ("bananas", "forest")])
def test_moves_and_predictor_picks_stay_in_the_table(tmp_path, data_dir, strategy, predictor):
    """Strategies that mutate or rank the pool ask the table which architectures it holds."""
    summary = search(SearchConfig(space="darts", strategy=strategy, predictor=predictor, budget=16, seed=1,
                                  data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 16 and summary["failed"] == 0


def test_data_import_writes_the_nb301_table(tmp_path, data_dir, capsys):
    assert cli.main(["data", "import", "--space", "darts", str(data_dir / "zc_proxies_partial.json.gz"),
                     "--out", str(tmp_path)]) == 0
    assert "924 architectures" in capsys.readouterr().out
    imported = NB301Benchmark(tmp_path)
    assert Table.load(tmp_path / "nb301.npz").meta["accuracy"].startswith("CIFAR-10: predicted by the NB301 surrogate")
    assert imported.query(EXAMPLE, "cifar10").ok is False  # DARTS-V2 itself is not among the 725
    assert len(imported.task_cells("cifar10")) == 725


@pytest.mark.parametrize("task,message", [
    ({"(((0, 3), (1, 3), (0, 3), (1, 3), (1, 3), (0, 2), (0, 2), (2, 5)), ((0, 0), (1, 0), (2, 2), (1, 0), (0, 0), "
      "(2, 2), (2, 2), (1, 0)))": {"flops": 1}}, "has no val_accuracy (got None)"),  # imported, then broke searches
    ([1, 2, 3], "the nasbench301 cifar10 entry is a list, not a mapping"),  # AttributeError
])
def test_an_nb301_file_without_usable_accuracy_is_refused_at_import(tmp_path, capsys, task, message):
    path = tmp_path / "noacc.json"
    path.write_text(json.dumps({"nasbench301": {"cifar10": task}}))
    assert cli.main(["data", "import", "--space", "darts", str(path), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1 and not (tmp_path / "nb301.npz").exists()


def test_the_layers_option_states_the_bound_it_checks():
    """'nasloop spaces darts' listed layers as >= 1 while layers=2 was refused as under 3."""
    from nasloop.engine.options import describe_options

    assert ("layers", "an integer >= 3 and <= 64", "default 20") in describe_options(DartsSpace)
    with pytest.raises(ConfigError, match=r"layers must be an integer >= 3 and <= 64, got 2"):
        DartsSpace(layers=2)


def test_on_the_sparse_table_neighbours_are_the_nearest_table_cells_not_random_ones(data_dir):
    """The table holds none of a cell's one-edit neighbours: local search and evolution were random search."""
    space = DartsSpace(build_context(DartsSpace, "cifar10", str(data_dir), lookup=True))
    cells = list(space.enumerate())
    code = lambda arch: space.encode(arch, "onehot")  # noqa: E731
    distance = lambda a, b: float(np.abs(code(a) - code(b)).sum())  # noqa: E731
    rng = np.random.default_rng(0)
    for cell in (cells[3], cells[400]):
        near = space.neighbours(cell)
        assert len(near) == space.nearest and all(space.table_only and n in cells for n in near)
        everyone = sorted(distance(cell, other) for other in cells if space.functional_hash(other)
                          != space.functional_hash(cell))
        assert [distance(cell, n) for n in near] == everyone[:space.nearest]  # the nearest, in order
        children = [space.mutate(cell, rng) for _ in range(40)]
        assert all(c in cells for c in children) and 8 <= sum(c in near for c in children) <= 32  # about half


def test_evolution_on_the_sparse_table_runs_to_a_budget_near_its_size(tmp_path, data_dir):
    """With children drawn only from the parents' nearest cells, evolution stalled once those were evaluated:
    at a budget of 700 of the 725 cells it was still running after 300 s (6 s before)."""
    summary = search(SearchConfig(space="darts", strategy="evolution", budget=700, seed=3, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 700 and summary["failed"] == 0


def test_predictor_evaluation_trains_on_the_cells_asked_for_and_names_a_slow_proxy(data_dir):
    """Cells without a CIFAR-10 result (199 of NB301's 924) were drawn into the training set and then dropped."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    record = evaluate_predictors(["random"], [40], [0], space="darts", data_dir=data_dir)[0]
    assert record["test_size"] == 725 - 40
    notes: list[str] = []  # zero-cost's Zen is not stored for NB301 CIFAR-10: it printed nothing for hours
    evaluate_predictors(["zero-cost"], [40], [0], space="darts", data_dir=data_dir, on_note=notes.append,
                        skip={("zero-cost", 40, 0)}, predictor_options={"zero-cost": {"proxy": "zen"}})
    assert len(notes) == 1 and notes[0].startswith("zero-cost computes zen for darts cifar10 on each of the 725 "
                                                   "networks it reads")
    notes.clear()  # by default it reads the stored proxy the benchmark names (tests/test_zero_cost_default_h5.py)
    evaluate_predictors(["zero-cost"], [40], [0], space="darts", data_dir=data_dir, on_note=notes.append,
                        skip={("zero-cost", 40, 0)})
    assert notes == []


def test_every_table_and_report_of_nb301_accuracies_says_the_surrogate_predicted_them(tmp_path, data_dir, capsys):
    """Only a run's `surrogate: 1` metric said so: the space listing, `predictors evaluate` and both studies'
    reports showed the surrogate's predictions as plain validation accuracies."""
    said = "NB301 surrogate-predicted validation accuracy %, not a training run"
    assert cli.main(["spaces", "darts"]) == 0 and f"cifar10: CIFAR-10 ({said}" in capsys.readouterr().out
    assert cli.main(["predictors", "evaluate", "--space", "darts", "--predictors", "random", "--train-sizes", "8",
                     "--seeds", "1", "--data-dir", str(data_dir)]) == 0
    assert said in re.sub(r"\s+", " ", capsys.readouterr().out)
    for study, given in (("predictors", ["--predictors", "random", "--train-sizes", "8", "--seeds", "1"]),
                         ("searches", ["--methods", "random", "--seeds", "1", "--budget", "4"])):
        assert cli.main(["compare", "--space", "darts", *given, "--data-dir", str(data_dir), "--out",
                         str(tmp_path / study), "--quiet"]) == 0
        assert said in (tmp_path / study / "report.md").read_text()
    assert cli.main(["compare", "--space", "darts", "--dataset", "svhn", "--methods", "random", "--seeds", "1",
                     "--budget", "4", "--data-dir", str(data_dir), "--out", str(tmp_path / "svhn"), "--quiet"]) == 0
    assert "surrogate-predicted" not in (tmp_path / "svhn" / "report.md").read_text()  # the suite's own runs


@pytest.mark.parametrize("space", ["darts", "nds-darts"])
def test_the_whole_space_with_table_lookups_is_refused_before_the_run(space, tmp_path, data_dir, capsys):
    """725 NB301 cells of ~10^18 (NDS: ~5,000 of ~10^20): every lookup failed, and the run ended 'all failed'."""
    run = tmp_path / "run"
    assert cli.main(["search", "--space", space, "--space-opt", "table_only=false", "--budget", "3", "--data-dir",
                     str(data_dir), "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err
    assert "--space-opt table_only=false searches the " in error and error.count("\n") == 1
    assert "every evaluation would fail; keep to the table (drop the option) or evaluate with --evaluator proxy" \
        in error and not run.exists()
