"""The predictor-evaluation API behind ``nasloop predictors evaluate``, on the real NB201 table."""
from __future__ import annotations

import csv
import gzip
import json
import math
import re

import numpy as np
import pytest

from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError, RegistryError
from nasloop.engine.predictor_options import options_per_predictor
from nasloop.engine.registry import register_predictor
from nasloop.engine.predictor_evaluation import evaluate_predictors, precision_at
from nasloop.predictors.forest import ForestPredictor
from nasloop.search_spaces.cell_space import live_cell
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.cell import SPEC

KEYS = {"predictor", "space", "dataset", "metric", "fidelity", "train_size", "seed", "test_size", "kendall_tau",
        "spearman", "precision_top1", "precision_top5", "fit_seconds", "predict_seconds", "resolved_options"}


def test_cells_come_in_official_index_order(data_dir, nb201_csv_path):
    cells = NB201Benchmark(data_dir).cells()
    with gzip.open(nb201_csv_path, "rt", newline="") as fh:
        official = {int(row["index"]): row["arch_str"] for row in csv.DictReader(fh)}
    space = NB201Space()
    assert len(cells) == len(official) == 15625
    assert [space.format(cells[i]) for i in (0, 1, 6111, 15624)] == [official[i] for i in (0, 1, 6111, 15624)]


def test_records_hold_the_documented_figures(data_dir):
    seen: list[dict] = []
    records = evaluate_predictors(["flan", "random"], [30], [0, 1], data_dir=data_dir,
                                  predictor_options={"flan": {"ensemble": 1, "steps": 60}}, on_result=seen.append)
    assert seen == records and len(records) == 4
    for r in records:
        assert set(r) == KEYS
        assert r["space"] == "nb201" and r["dataset"] == "cifar10" and r["train_size"] == 30
        assert r["metric"] == "val_accuracy" and r["fidelity"] == 200  # a --json line says what it ranked
        assert r["test_size"] == 15625 - 30
        assert all(0 <= r[k] <= 1 for k in ("precision_top1", "precision_top5"))
        assert r["fit_seconds"] > 0 and r["predict_seconds"] > 0
    flan = [r for r in records if r["predictor"] == "flan"]
    chance = [r for r in records if r["predictor"] == "random"]
    assert all(abs(r["kendall_tau"]) < 0.05 for r in chance)
    assert all(r["kendall_tau"] > 0.3 and r["spearman"] > r["kendall_tau"] for r in flan)
    assert [r["seed"] for r in records] == [0, 1, 0, 1]


def test_a_predictor_that_ranks_nothing_is_named_and_scores_nan(data_dir):
    """EmProx with unweighted neighbours (power=0) and k above the training size predicts the training mean for
    every cell: its precision was read off arbitrary ties and the table showed nan without a word."""
    notes: list[str] = []
    (record,) = evaluate_predictors(["emprox"], [8], [0], data_dir=data_dir, on_note=notes.append,
                                    predictor_options={"emprox": {"power": 0, "k": 10}})
    assert all(math.isnan(record[k]) for k in ("kendall_tau", "spearman", "precision_top1", "precision_top5"))
    assert notes == ["emprox predicted one value for all 15,617 test cells after 8 training cells (seed 0), so its "
                     "ranking measures are undefined (nan); check its options"]


def test_precision_counts_the_true_top_found_in_the_predicted_top():
    truth = np.arange(200.0)
    assert precision_at(truth, truth, 0.05) == 1.0
    assert precision_at(-truth, truth, 0.05) == 0.0
    shuffled = truth.copy()
    shuffled[[199, 0]] = shuffled[[0, 199]]  # the best cell predicted worst: 9 of the true top 10 remain
    assert precision_at(shuffled, truth, 0.05) == pytest.approx(0.9)


@pytest.mark.parametrize("call,error,problem", [
    (dict(predictors=["nope"], train_sizes=[8], seeds=[0]), RegistryError, "unknown predictor 'nope'"),
    (dict(predictors=["random"], train_sizes=[15625], seeds=[0]), ConfigError, "at least two must be left"),
    (dict(predictors=["forest"], train_sizes=[1], seeds=[0]), ConfigError, "learns a ranking from at least two"),
    (dict(predictors=["random"], train_sizes=[], seeds=[0]), ConfigError, "at least one train size"),
    (dict(predictors=["random"], train_sizes=[8], seeds=[-1]), ConfigError, "seed -1"),
    (dict(predictors=["random"], train_sizes=[8], seeds=[0], metric="loss"), ConfigError, "metric 'loss'"),
    (dict(predictors=["random"], train_sizes=[8], seeds=[0], predictor_options={"flan": {}}), ConfigError,
     "not being evaluated"),
    (dict(predictors=["flan"], train_sizes=[8], seeds=[0], predictor_options={"flan": {"epochs": 3}}), ConfigError,
     "has no option 'epochs'"),
    (dict(predictors=["flan", "gp"], train_sizes=[8], seeds=[0],
          predictor_options=options_per_predictor(["flan", "gp"], {"ensemble": 2})), ConfigError,
     r"'gp' has no option 'ensemble'.*; give an option to one predictor only as NAME\.KEY=VALUE"),
    (dict(predictors=["flan", "gp"], train_sizes=[8], seeds=[0],  # already NAME.KEY: no advice to use that form
          predictor_options=options_per_predictor(["flan", "gp"], {"gp.ensemble": 2})), ConfigError,
     r"'gp' has no option 'ensemble'; it takes: [a-z_, ]+$"),
    (dict(predictors=["flan", "gp"], train_sizes=[8], seeds=[0],  # no predictor takes it: NAME.KEY would not help
          predictor_options=options_per_predictor(["flan", "gp"], {"epochs": 2})), ConfigError,
     r"'flan' has no option 'epochs'; it takes: [a-z_, ]+$"),
])
def test_bad_requests_fail_in_one_line_before_any_fit(data_dir, call, error, problem):
    with pytest.raises(error, match=problem):
        evaluate_predictors(data_dir=data_dir, **call)


def test_a_prefix_without_an_option_is_named_as_such():
    with pytest.raises(ConfigError, match=r"flan\. names no option after 'flan\.'"):
        options_per_predictor(["flan", "gp"], {"flan.": 2})


def test_an_option_is_given_to_every_predictor_or_to_the_one_it_names():
    chosen = options_per_predictor(["flan", "gp"], {"seed_like": 1, "flan.ensemble": 2, "gp.max_iter": 5})
    assert chosen == {"flan": {"seed_like": 1, "ensemble": 2}, "gp": {"seed_like": 1, "max_iter": 5}}
    for options in ({"steps": 100, "flan.steps": 300}, {"flan.steps": 300, "steps": 100}):  # NAME.KEY wins, any order
        assert options_per_predictor(["flan", "gp"], options) == {"flan": {"steps": 300}, "gp": {"steps": 100}}
    assert options_per_predictor(["gp"], {"zero-cost.proxy": "flops"}, waiting=True) == {"gp": {}}  # a study
    with pytest.raises(ConfigError, match="is for predictor 'zero-cost', which is not used here"):
        options_per_predictor(["gp"], {"zero-cost.proxy": "flops"})
    with pytest.raises(ConfigError, match=re.escape("and blend passes its members only the options inside its "
                                                    "members option: write --predictor-opt 'members={flan: {steps: "
                                                    "30}, ...}'")):
        options_per_predictor(["blend"], {"flan.steps": 30})  # flan is a member: 'not used here' was false
    with pytest.raises(ConfigError, match="is for predictor 'flan', which is not used here \\(mlp\\)"):
        options_per_predictor(["mlp"], {"flan.steps": 30})  # mlp's members is a count: no predictor is one of them
    from nasloop.engine.cli_types import key_value
    assert key_value("zero-cost.max-iter=3") == ("zero-cost.max_iter", 3)  # the name keeps its hyphen
    with pytest.raises(ConfigError, match=r"--predictor-opt flann.x: 'flann' is not a predictor \(blend, "):
        options_per_predictor(["flan", "gp"], {"flann.x": 1})


def test_keep_cell_restricts_both_splits_to_the_accepted_cells(data_dir):
    """The anchor's cell set: NB201's 9,445 cells whose ops all lie on an input-output path."""
    def keep(cell) -> bool:
        return live_cell(SPEC, cell) == cell

    records = evaluate_predictors(["forest"], [40], [0], data_dir=data_dir,
                                  predictor_options={"forest": {"features": ["proxies"]}}, keep_cell=keep)
    assert records[0]["test_size"] == 9445 - 40
    assert records[0]["kendall_tau"] > 0.5


class InterruptedAt40(ForestPredictor):
    """The forest, with Ctrl-C pressed while it fits 40 cells (as a user would, an hour into a long run)."""

    def _fit(self, archs, y):
        if len(archs) == 40:
            raise KeyboardInterrupt
        super()._fit(archs, y)


def test_an_interrupted_evaluation_shows_the_fits_that_finished(data_dir, capsys):
    # Every finished fit was thrown away: only "interrupted" was printed.
    register_predictor("forest-interrupted-at-40")(InterruptedAt40)
    argv = ["predictors", "evaluate", "--predictors", "forest-interrupted-at-40", "--predictor-opt",
            "features=[proxies]", "--train-sizes", "8,40", "--seeds", "2", "--data-dir", str(data_dir)]
    assert main(argv) == 130
    out, err = capsys.readouterr()
    assert re.search(r"forest-interrupted-at-40 .* 8 .* ±", out) and " 40 " not in out  # both seeds of 8, no 40
    assert "interrupted; 2 of 4 fits had finished (shown above); 'nasloop compare --predictors ... --out DIR' " \
           "keeps every fit and continues where it stopped" in err
    assert main([*argv[:-2], "--json", "--data-dir", str(data_dir)]) == 130
    assert [(r["train_size"], r["seed"]) for r in json.loads(capsys.readouterr().out)] == [(8, 0), (8, 1)]


@pytest.mark.parametrize("names,problem", [("flan,", "'flan,' has an empty name between commas"),
                                           ("forest,forest", "'forest,forest' names 'forest' twice")])
def test_a_list_of_names_with_a_gap_or_a_repeat_is_refused(names, problem, capsys):
    # 'flan,' was taken as flan alone; 'zero-cost,zero-cost' ran twice and printed two identical rows.
    with pytest.raises(SystemExit):
        main(["predictors", "evaluate", "--predictors", names])
    assert problem in capsys.readouterr().err


@pytest.mark.usefixtures("isolated_cache")
def test_the_slow_proxy_note_says_which_proxies_a_precomputed_sample_holds(data_dir, tmp_path, capsys):
    # A 3-cell file's proxy joined 'proxies' and the note listed it as stored while every other cell computed it.
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("nasbench201_all.csv.gz", "cifar10_subset.npz"):
        (folder / name).symlink_to(data_dir / name)
    assert main(["proxies", "--space", "nb201", "--sample", "3", "--proxies", "synflow", "--data-dir", str(folder),
                 "--out", str(folder / "nb201-cifar10-proxies.csv")]) == 0
    notes: list[str] = []
    evaluate_predictors(["forest"], [8], [0], data_dir=folder, predictor_options={"forest": {"features": ["proxies"]}},
                        on_note=notes.append, skip={("forest", 8, 0)})
    assert notes[0].startswith("feature 'proxies' holds only flops, params, synflow, zen")  # no Suite-Zero file here
    assert notes[1:] == ["forest computes synflow for nb201 cifar10 on each of the 15,625 networks it reads, building "
                     "each network at the space's size: up to seconds a network on a CPU (stored: flops, params, zen; "
                     f"synflow from the precomputed proxy file {folder / 'nb201-cifar10-proxies.csv'} for the 3 "
                     "architectures it holds, computed for the others; 'nasloop proxies --space nb201 --data-dir "
                     f"{folder} --proxies synflow --all --out {folder / 'nb201-cifar10-proxies.csv'}' precomputes them "
                     "once)"]


def test_without_a_dataset_the_api_ranks_the_space_benchmarks_first_task_as_the_cli_does(data_dir):
    """evaluate_predictors(..., space="tnb101-micro") was refused: "has no task 'cifar10'; choose --dataset", where
    `predictors evaluate --space tnb101-micro` ranks class_scene; and a dataset in other letter case was recorded
    as given."""
    (record,) = evaluate_predictors(["random"], [8], [0], space="tnb101-micro", data_dir=data_dir)
    assert record["dataset"] == "class_scene" and record["test_size"] == 4096 - 8
    (record,) = evaluate_predictors(["random"], [8], [0], dataset="CIFAR10", data_dir=data_dir)
    assert record["dataset"] == "cifar10"


def test_a_lower_is_better_metric_counts_its_lowest_cells_as_the_top(data_dir):
    """--metric edgegpu_latency ranked latencies as higher-is-better: top-1% precision counted the slowest cells."""
    common = dict(train_sizes=[64], seeds=[0], data_dir=data_dir, predictor_options={"forest": {"trees": 20}})
    if not (data_dir / "nb201_hw_metrics.csv.gz").exists():
        pytest.skip("no HW-NAS-Bench file in the data folder")
    (fastest,) = evaluate_predictors(["forest"], metric="edgegpu_latency:min", **common)
    (slowest,) = evaluate_predictors(["forest"], metric="edgegpu_latency", **common)
    (stated,) = evaluate_predictors(["forest"], metric="edgegpu_latency:max", **common)
    assert all(stated[key] == slowest[key] for key in ("kendall_tau", "precision_top1", "precision_top5"))
    # a forest predicts the negated targets as the negated predictions: the ranking, and so tau, is the same
    assert fastest["kendall_tau"] == pytest.approx(slowest["kendall_tau"])
    assert [fastest["metric"], slowest["metric"], stated["metric"]] == ["edgegpu_latency:min", *["edgegpu_latency"] * 2]
    assert fastest["precision_top1"] != slowest["precision_top1"]
    with pytest.raises(ConfigError, match="--metric takes one metric, got 'edgegpu_latency:min,val_accuracy'"):
        evaluate_predictors(["forest"], metric="edgegpu_latency:min,val_accuracy", **common)
