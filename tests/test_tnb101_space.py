"""TransNAS-Bench-101's micro and macro spaces and their seven-task tables, on the shipped data."""
from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest

from nasloop.engine.assemble import build_context, canonical_dataset
from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ArchitectureError, ConfigError, DataError, UnsupportedError
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.search import build_plugins, search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.tnb101.space import TNB101MacroSpace, TNB101MicroSpace

TASKS = ("class_scene", "class_object", "room_layout", "jigsaw", "segmentsemantic", "normal", "autoencoder")


@pytest.fixture(scope="module")
def data(data_dir) -> dict:
    return json.loads(gzip.decompress((data_dir / "transnas101_val.json.gz").read_bytes()))


@pytest.mark.parametrize("factory,part,size", [(TNB101MicroSpace, "micro", 4096), (TNB101MacroSpace, "macro", 3256)])
def test_every_architecture_and_task_answers_as_the_table_says(factory, part, size, data, data_dir):
    space = factory()
    benchmark = build_context(factory, "class_scene", str(data_dir), lookup=True).benchmark
    archs = list(space.enumerate())
    assert len(archs) == space.size == len(benchmark.cells()) == size
    assert {space.format(a) for a in archs} == set(data[part]["class_scene"])
    for task in TASKS:
        metric = benchmark.task(task).metric
        values = data[part][task]
        for arch in archs[::97]:
            result = benchmark.query(arch, task)
            assert result.metrics == {metric: values[space.format(arch)]["val"]}
            assert result.cost == 0.0 and result.cost_estimated  # the tables hold no training times
    assert benchmark.task("room_layout").metric == "val_neg_l2_loss" and not benchmark.task("room_layout").minimize
    # micro class_scene also has NAS-Bench-Suite-Zero's 13 (tnb101_micro_zc_proxies_class_scene.csv.gz)
    assert benchmark.proxy_names("class_scene") == (["epe_nas", "synflow", "zen"] if part == "macro" else
                                                    sorted(["synflow", "snip", "grasp", "fisher", "grad_norm", "jacov",
                                                            "nwot", "epe_nas", "plain", "l2_norm", "zen", "flops",
                                                            "params"]))
    assert benchmark.proxy_names("normal") == ["zen"]
    arch = next(a for a in archs[5:] if data[part]["jigsaw"][space.format(a)]["zen"] != -1e8)
    assert benchmark.proxy_scores([arch], "zen", "jigsaw")[0] == data[part]["jigsaw"][space.format(arch)]["zen"]
    # the source's -1e8 (Zen and epe_nas of the micro cells without an input-output path) reads as undefined
    marked = [a for a in archs if data[part]["normal"][space.format(a)]["zen"] == -1e8]
    assert len(marked) == (169 if part == "micro" else 0)
    assert np.isnan(benchmark.proxy_scores(marked, "zen", "normal")).all()
    # and their synflow, which the source writes 0.0 (an unlogged sum of 0: log -inf), as nasloop computes it
    assert np.isnan(benchmark.proxy_scores(marked, "synflow", "jigsaw")).all()
    assert (benchmark.proxy_scores(archs, "synflow", "jigsaw") == 0).sum() == 0


def test_the_micro_cell_shares_nb201s_cell_identity():
    space = TNB101MicroSpace()
    dead = space.parse("64-41414-3_03_000")  # nothing reaches node 3: the cell outputs zeros
    assert space.functional_hash(dead) == space.functional_hash(space.parse("64-41414-1_20_000")) == "zero"
    assert space.canonical(dead) == (0,) * 6
    assert space.encode(dead, "path").sum() == 0 and space.encode(dead, "onehot").sum() == 6
    assert space.encode(dead, "dataflow").edges.shape[1] == 0 and space.encode(dead, "graph").edges.shape[1] == 10
    # ops that are NB201's ops share their tokens (the unified vocabulary's rule)
    assert space.encode(dead, "graph").ops[:3] == ("shared/input", "shared/conv3x3", "shared/none")
    rng = np.random.default_rng(0)
    arch = space.sample(rng)
    assert space.mutate(arch, rng) in space.neighbours(arch) and len(space.neighbours(arch)) == 18


@pytest.mark.parametrize("space,dataset,best", [("tnb101-micro", "class_scene", 54.9363),
                                                ("tnb101-macro", "class_object", 47.4224)])
def test_local_search_and_guided_search_run_on_both_spaces(space, dataset, best, tmp_path, data_dir):
    local = search(SearchConfig(space=space, dataset=dataset, strategy="local", budget=40, seed=0,
                                data_dir=str(data_dir), run_dir=str(tmp_path / "local")))
    guided = search(SearchConfig(space=space, dataset=dataset, strategy="predictor-topk", predictor="mlp",
                                 strategy_options={"warmup": ["zen", "synflow"], "num_init": 6}, budget=14, seed=0,
                                 data_dir=str(data_dir), run_dir=str(tmp_path / "guided")))
    for summary in (local, guided):
        assert summary["failed"] == 0 and summary["objective"] == "val_accuracy"
        assert summary["best"]["score"] <= best
    assert guided["best"]["score"] > best - 1.5  # a zero-cost warm-up starts among good cells


def test_negated_loss_task_is_maximised(tmp_path, data_dir, data):
    summary = search(SearchConfig(space="tnb101-macro", dataset="room_layout", strategy="random", budget=30, seed=0,
                                  data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    values = data["macro"]["room_layout"]
    assert summary["objective"] == "val_neg_l2_loss"
    assert summary["best"]["score"] == summary["best"]["metrics"]["val_neg_l2_loss"] < 0
    assert summary["best"]["score"] == values[summary["best"]["arch"]]["val"]


def test_a_functional_search_of_every_distinct_network_names_why_it_stopped(tmp_path, data_dir):
    # "is the space exhausted?": it was, at 1,229 distinct functions of 4,096 cells, and the message now says so. A
    # search refuses such a budget up front (tests/test_functional_budget.py); the loop itself, run from Python, stops.
    config = SearchConfig(space="tnb101-micro", dataset="class_scene", strategy="random", data_dir=str(data_dir))
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        loop = SearchLoop(*build_plugins(config), store, Budget(queries=4096), dedup="functional")
        reason = loop.run()
        evaluations = len(store.trials())
    space = TNB101MicroSpace()
    assert evaluations == len({space.functional_hash(c) for c in space.enumerate()})
    assert reason.endswith(f"stopping: {evaluations} distinct functions evaluated, and the 4096 architectures of the "
                           "space likely compute no others (--dedup functional)")


@pytest.mark.parametrize("task, value, bounds", [("room_layout", 3.5, "[-inf, 0]"), ("autoencoder", 1.7, "[-1, 1]")])
def test_a_loss_or_ssim_no_network_could_have_is_refused(tmp_path, data, task, value, bounds):
    # A positive negated loss was accepted, and that cell became the run's best at 3.5.
    copy = json.loads(json.dumps(data))
    arch = next(iter(copy["macro"][task]))
    copy["macro"][task][arch]["val"] = value
    path = tmp_path / "transnas101_val.json.gz"
    path.write_bytes(gzip.compress(json.dumps(copy).encode(), compresslevel=1))  # 0.04 s, not 0.7
    with pytest.raises(DataError, match=re.escape(f"holds {value}, infinite or outside {bounds}")):
        build_context(TNB101MacroSpace, task, str(tmp_path)).benchmark.check(task)


def test_a_task_the_file_lacks_is_refused_before_the_run(tmp_path, data, capsys):
    # Every evaluation of the run failed, one by one (3,256 of them at --budget 3256), and the folder stayed.
    copy = json.loads(json.dumps(data))
    del copy["macro"]["room_layout"]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "transnas101_val.json.gz").write_bytes(gzip.compress(json.dumps(copy).encode(),
                                                                                              compresslevel=1))
    assert main(["search", "--space", "tnb101-macro", "--dataset", "room_layout", "--budget", "5", "--data-dir",
                 str(tmp_path / "data"), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    assert "the tnb101-macro table has no results for room_layout; import a source that covers it" in (
        capsys.readouterr().err)
    assert not (tmp_path / "run").exists()


def test_commands_without_dataset_use_the_benchmarks_first_task(tmp_path, data_dir, capsys):
    # TransNAS-Bench-101 has no cifar10 task: the old default refused every command that left --dataset out.
    assert main(["search", "--space", "tnb101-micro", "--budget", "3", "--strategy", "random", "--data-dir",
                 str(data_dir), "--run-dir", str(tmp_path / "run"), "--quiet", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dataset"] == "class_scene"
    assert main(["predictors", "evaluate", "--space", "tnb101-macro", "--predictors", "forest", "--train-sizes",
                 "10", "--seeds", "1", "--data-dir", str(data_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["dataset"] == "class_scene"
    assert main(["compare", "--space", "tnb101-micro", "--methods", "random", "--seeds", "1", "--budget", "3",
                 "--data-dir", str(data_dir), "--out", str(tmp_path / "study")]) == 0
    assert json.loads((tmp_path / "study" / "study.json").read_text())["grid"]["dataset"] == "class_scene"


def test_a_task_typed_in_another_case_is_stored_as_the_benchmark_spells_it(tmp_path, data_dir, capsys, monkeypatch):
    # --dataset CLASS_SCENE ran, and its runs, folders and reports said CLASS_SCENE beside class_scene ones.
    monkeypatch.chdir(tmp_path)
    assert main(["search", "--space", "tnb101-micro", "--dataset", "CLASS_SCENE", "--budget", "3", "--strategy",
                 "random", "--data-dir", str(data_dir), "--quiet", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dataset"] == "class_scene"
    assert [p.name.split("-random")[0] for p in (tmp_path / "runs").iterdir()] == ["tnb101-micro-class_scene"]
    summary = search(SearchConfig(space="tnb101-micro", dataset="Class_Scene", strategy="random", budget=2,
                                  data_dir=str(data_dir), run_dir=str(tmp_path / "api")))
    assert summary["dataset"] == "class_scene"
    assert main(["predictors", "evaluate", "--space", "tnb101-macro", "--dataset", "CLASS_SCENE", "--predictors",
                 "forest", "--train-sizes", "10", "--seeds", "1", "--data-dir", str(data_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["dataset"] == "class_scene"


def test_only_a_tasks_own_name_changes_case_and_older_studies_keep_theirs(tmp_path, data_dir, capsys):
    # NB201's alias imagenet (its ImageNet16-120 task) is also the image-folder dataset of a training run
    assert canonical_dataset("nb201", "imagenet") == "imagenet"
    assert canonical_dataset("nb201", "IMAGENET16-120") == "ImageNet16-120"
    # a study begun when the typed spelling was stored is continued, not refused as another dataset
    study = ["compare", "--space", "tnb101-micro", "--methods", "random", "--budget", "3", "--data-dir",
             str(data_dir), "--out", str(tmp_path / "study")]
    assert main([*study, "--seeds", "1"]) == 0
    written = json.loads((tmp_path / "study" / "study.json").read_text())
    written["grid"]["dataset"] = "CLASS_SCENE"
    (tmp_path / "study" / "study.json").write_text(json.dumps(written))
    assert main([*study, "--dataset", "CLASS_SCENE", "--seeds", "2"]) == 0, capsys.readouterr().err
    predictors = ["compare", "--space", "tnb101-macro", "--predictors", "forest", "--train-sizes", "10",
                  "--data-dir", str(data_dir), "--out", str(tmp_path / "pred")]
    assert main([*predictors, "--seeds", "1"]) == 0
    grid = json.loads((tmp_path / "pred" / "predictor_study.json").read_text())
    (tmp_path / "pred" / "predictor_study.json").write_text(json.dumps({**grid, "dataset": "CLASS_SCENE"}))
    assert main([*predictors, "--dataset", "CLASS_SCENE", "--seeds", "2"]) == 0, capsys.readouterr().err


def test_bad_strings_tasks_and_fidelities_are_one_line_errors(tmp_path, data_dir, capsys):
    micro, macro = TNB101MicroSpace(), TNB101MacroSpace()
    for space, text in ((micro, "64-41414-1_30_32"), (micro, "64-41414-1_30_324"), (macro, "64-11111-basic"),
                        (macro, "64-41-basic"), (macro, "64-41415-basic")):
        with pytest.raises(ArchitectureError) as info:
            space.parse(text)
        assert "\n" not in str(info.value)
    for flags, fragment in ((["--space", "tnb101-micro", "--dataset", "cifar10"], "has no task 'cifar10'"),
                            (["--space", "tnb101-micro", "--dataset", "jigsaw", "--fidelity", "12"],
                             "holds only each architecture's final result"),
                            (["--space", "tnb101-micro", "--dataset", "normal", "--strategy", "predictor-topk",
                              "--strategy-opt", "warmup=[jacov]"],  # was "unknown dataset 'normal'"
                             "'normal' is a task of the tnb101-micro table whose images nasloop does not read, so "
                             "proxy 'jacov', not stored for it, cannot be computed (jacov reads images; the data-free "
                             "proxies can be, on the networks as built for CIFAR-10: "),  # and their names
                            (["--space", "tnb101-micro", "--dataset", "class_scene", "--strategy", "predictor-topk",
                              "--predictor", "forest", "--predictor-opt", "features=[adjacency]"],  # a typo, not data
                             "(unknown zero-cost proxy 'adjacency'; known: ")):
        assert main(["search", *flags, "--budget", "3", "--data-dir", str(data_dir), "--run-dir",
                     str(tmp_path / "r"), "--quiet"]) == 2
        error = capsys.readouterr().err.strip()
        assert fragment in error and "\n" not in error
    with pytest.raises(ConfigError, match="stem_stride must be one of 1, 2, 4, got 3"):
        TNB101MicroSpace(stem_stride=3)
    for space_class in (TNB101MicroSpace, TNB101MacroSpace):  # refused when the space is built, not mid-run
        with pytest.raises(ConfigError, match=r"base_channels must be even \(the stem halves it\), got 3"):
            space_class(base_channels=3)
    with pytest.raises(UnsupportedError, match="drop --fidelity 5"):
        build_context(TNB101MicroSpace, "jigsaw", str(data_dir)).benchmark.check("jigsaw", 5)


def test_networks_train_and_score_on_cifar(data_dir):
    from nasloop.engine.evaluators.proxies import score_architectures

    for space, text in ((TNB101MicroSpace(base_channels=8), "64-41414-3_13_221"),
                        (TNB101MacroSpace(base_channels=8), "64-1234-basic")):
        (row,) = score_architectures(space, [text], ["synflow", "params"], data_dir=data_dir, batch_size=8)
        assert row["scores"]["synflow"] is not None and row["scores"]["params"] > 0


def test_data_import_writes_each_space_its_own_table(tmp_path, data_dir, capsys):
    from nasloop.engine.data.table import Table
    from nasloop.search_spaces.tnb101.benchmark import TNB101MacroBenchmark

    for space in ("tnb101-micro", "tnb101-macro"):
        assert main(["data", "import", "--space", space, str(data_dir / "transnas101_val.json.gz"),
                     "--out", str(tmp_path)]) == 0
        assert "the TransNAS-Bench-101 JSON" in capsys.readouterr().out
    imported = TNB101MacroBenchmark(tmp_path)  # reads tnb101-macro.npz, found first in the explicit folder
    direct = TNB101MacroBenchmark(data_dir)
    assert imported.table.meta["benchmark"] == "tnb101-macro" and len(imported.table) == 3256
    for name, column in direct.table.columns.items():
        np.testing.assert_array_equal(imported.table.columns[name], column, err_msg=name)
    assert TNB101MacroBenchmark.recognise(tmp_path / "tnb101-micro.npz") is None  # the other space's table
    assert Table.load(tmp_path / "tnb101-micro.npz").meta["benchmark"] == "tnb101-micro"


def test_the_space_listing_names_its_benchmark_and_tasks(capsys):
    """No listing said which --dataset a space's table takes; a user's own task list is found only by erring."""
    from nasloop.engine.cli import main

    main(["spaces", "tnb101-micro"])
    out = capsys.readouterr().out
    assert "benchmark: tnb101-micro\n  tasks (--dataset; the first is the default): class_scene (val_accuracy), " \
        "class_object (val_accuracy), room_layout (val_neg_l2_loss)" in out
    main(["spaces", "nago"])
    assert "benchmark: none (search it with --evaluator proxy or train, or one of your own)" in \
        capsys.readouterr().out
