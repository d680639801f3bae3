"""Benchmark data a new user meets: a hardware objective without HW-NAS-Bench's file, 'nasloop spaces' without a
table, an import of a few cells over a full table, a NASLib pickle of the wrong shape. Each said the wrong thing or
lost data; the fixtures are NASLib's public NB201 pickle layout, built here."""
from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.table import Table
from nasloop.search_spaces.nb201 import NB201Space

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def naslib_pickle(path: Path, cells: int, datasets: tuple[str, ...] = ("cifar10-valid",), curve=None) -> Path:
    """A NASLib ``nb201_<dataset>_full_training.pickle`` of the first ``cells`` NB201 cells (curves of 12 epochs
    of the 200: each epoch is a column of every cell, and 200 of them take seconds to write)."""
    space = NB201Space()
    records = {}
    for i, cell in enumerate(list(space.enumerate())[:cells]):
        info = {"eval_acc1es": list(np.linspace(10.0, 60.0 + i, 12)) if curve is None else curve,
                "train_times": [10.0] * 12, "cost_info": {"train_time": 10.0}}
        records[space.format(cell)] = {name: dict(info) for name in datasets}
    path.write_bytes(pickle.dumps(records))
    return path


def test_a_hardware_objective_without_its_file_names_the_file_and_how_to_get_it(tmp_path, nb201_csv_path, capsys):
    """The search listed the metrics at hand only (flops_m, params_m...): nothing said where edgegpu_latency is."""
    data = tmp_path / "data"
    data.mkdir()
    (data / nb201_csv_path.name).symlink_to(nb201_csv_path)
    assert main(["search", "--space", "nb201", "--data-dir", str(data), "--objectives",
                 "val_accuracy:max,edgegpu_latency:min", "--budget", "3", "--run-dir", str(tmp_path / "run")]) == 2
    error = one_line(capsys.readouterr().err.strip(), "'edgegpu_latency'", "HW-NAS-Bench", "nb201_hw_metrics.csv.gz",
                     "not found", f"looked in {data}", "--data-dir")
    assert "choose --objectives from: flops_m, params_m" in error
    assert not (tmp_path / "run").exists()


def test_zero_cost_on_tnb101_micro_without_its_table_is_listed_as_needing_it(capsys):
    """Its stored proxies were taken for none stored, and the predictor left out as never working there."""
    assert main(["spaces", "tnb101-micro"]) == 0
    predictors = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("  predictors:"))
    assert predictors.endswith("zero-cost (with the benchmark's data, which was not found)")


def test_a_search_of_a_stored_proxy_without_the_table_names_the_missing_file(tmp_path, capsys):
    """It said the task 'stores no proxies', when the table that stores them was not found."""
    assert main(["search", "--space", "tnb101-micro", "--strategy", "predictor-topk", "--predictor", "zero-cost",
                 "--evaluator", "proxy", "--budget", "2", "--data-dir", str(tmp_path),
                 "--run-dir", str(tmp_path / "run")]) == 2
    error = one_line(capsys.readouterr().err.strip(), "proxy 'zen'", "stored proxies", "transnas101_val.json.gz",
                     "not found", str(tmp_path))
    assert "stores no proxies" not in error


def test_importing_fewer_cells_over_a_table_is_refused_and_keeps_it(tmp_path, capsys):
    """Three cells imported over the table said 'replaced', and the table's other cells were gone."""
    out = tmp_path / "out"
    assert main(["data", "import", str(naslib_pickle(tmp_path / "full.pickle", 5)), "--out", str(out)]) == 0
    few = naslib_pickle(tmp_path / "few.pickle", 2)
    assert main(["data", "import", str(few), "--out", str(out)]) == 2
    error = one_line(capsys.readouterr().err.strip(), out / "nb201.npz",
                     "holds 5 architectures and the import (few.pickle) 2", "--replace",
                     f"nasloop data import --space nb201 {out / 'nb201.npz'} {few} --out {out}")
    assert Table.load(out / "nb201.npz").held() == 5
    command = error.split("('")[1].split("'")[0].split()[1:]  # the command the refusal gives keeps both
    assert main(command) == 0 and Table.load(out / "nb201.npz").held() == 5
    assert main(["data", "import", str(few), "--out", str(out), "--replace"]) == 0
    assert "replaced" in capsys.readouterr().out and Table.load(out / "nb201.npz").held() == 2


def test_importing_fewer_results_over_a_table_is_refused(tmp_path, capsys):
    """The same cells without the CIFAR-100 curves the table holds: those were lost the same way."""
    out = tmp_path / "out"
    both = naslib_pickle(tmp_path / "both.pickle", 2, ("cifar10-valid", "cifar100"))
    assert main(["data", "import", str(both), "--out", str(out)]) == 0
    assert main(["data", "import", str(naslib_pickle(tmp_path / "one.pickle", 2)), "--out", str(out)]) == 2
    one_line(capsys.readouterr().err.strip(), "holds results the import lacks (column 'cifar100@", "--replace")
    assert "cifar100@12:val_accuracy" in Table.load(out / "nb201.npz").columns


def test_a_two_dimensional_learning_curve_is_named_with_its_shape(tmp_path, capsys):
    """It was said to have 'no eval_acc1es learning curve', when it had one of the wrong shape."""
    path = naslib_pickle(tmp_path / "nb201_cifar10_full_training.pickle", 1, curve=[[50.0] * 200] * 3)
    assert main(["data", "import", str(path), "--out", str(tmp_path / "out")]) == 2
    error = one_line(capsys.readouterr().err.strip(), "'eval_acc1es' has shape (3, 200)", "expected (epochs,)",
                     "1 to 200")
    assert "no 'eval_acc1es'" not in error
    path = naslib_pickle(tmp_path / "times.pickle", 1)
    records = pickle.loads(path.read_bytes())
    next(iter(records.values()))["cifar10-valid"]["train_times"] = [[10.0] * 12] * 2  # was dropped silently
    path.write_bytes(pickle.dumps(records))
    assert main(["data", "import", str(path), "--out", str(tmp_path / "out")]) == 2
    one_line(capsys.readouterr().err.strip(), "'train_times' has shape (2, 12)", "expected (epochs,)")


def test_a_proxy_that_cannot_be_computed_names_the_suite_zero_file_that_stores_it(tmp_path, nb201_csv_path, capsys):
    """Without nb201_zc_proxies.csv.gz, jacov on ImageNet16-120 was refused for want of images, with the advice to
    change dataset: nothing said that the suite's file stores it for every cell."""
    (tmp_path / nb201_csv_path.name).symlink_to(nb201_csv_path)
    assert main(["search", "--space", "nb201", "--dataset", "ImageNet16-120", "--data-dir", str(tmp_path),
                 "--strategy", "predictor-topk", "--predictor", "zero-cost", "--predictor-opt", "proxy=jacov",
                 "--budget", "2", "--run-dir", str(tmp_path / "run")]) == 2
    one_line(capsys.readouterr().err.strip(), "need ImageNet16-120 images", "nb201_zc_proxies.csv.gz stores 'jacov'",
             f"looked in {tmp_path}", "--data-dir")
    assert main(["search", "--space", "nb201", "--dataset", "cifar100", "--data-dir", str(tmp_path),
                 "--strategy", "predictor-topk", "--predictor", "zero-cost", "--predictor-opt", "proxy=jacov",
                 "--budget", "2", "--run-dir", str(tmp_path / "run")]) == 2
    assert "nb201_zc_proxies" not in capsys.readouterr().err  # the suite scored no CIFAR-100


def test_an_import_into_a_data_variable_naming_a_file_says_so(tmp_path, monkeypatch, capsys):
    """'cannot write the table .../nb201.npz (File exists)': the file was $NASLOOP_DATA, where the table goes."""
    (tmp_path / "data").write_text("")
    monkeypatch.setenv("NASLOOP_DATA", str(tmp_path / "data"))
    assert main(["data", "import", str(naslib_pickle(tmp_path / "few.pickle", 2))]) == 2
    one_line(capsys.readouterr().err.strip(), f"{tmp_path / 'data'} is a file, not a folder", "$NASLOOP_DATA")


def test_a_run_resumed_without_the_file_of_its_objective_is_refused(tmp_path, data_dir, nb201_csv_path, capsys):
    """Resumed with --data-dir at a folder without HW-NAS-Bench's file, a run minimising edgegpu_latency went on,
    its new results 'ok' without that objective. (Begun on the data folder itself, whose files other tests load.)"""
    table_only = tmp_path / "table_only"
    table_only.mkdir()
    (table_only / nb201_csv_path.name).symlink_to(nb201_csv_path)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--objectives",
                 "val_accuracy:max,edgegpu_latency:min", "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", "--resume", str(run), "--budget", "4", "--data-dir", str(table_only), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), f"{run} optimises edgegpu_latency", "nb201_hw_metrics.csv.gz",
             "resume with --data-dir at the folder the run began with")
    assert main(["search", "--resume", str(run), "--budget", "4", "--quiet"]) == 0


def test_importing_fewer_cells_beside_the_table_searches_read_is_refused(tmp_path, nb201_csv_path, capsys):
    """In a folder holding the NB201 CSV (read directly, as shipped), an import of two cells wrote nb201.npz beside
    it, which searches then read instead: the 15,625 cells were out of their reach, unsaid."""
    (tmp_path / nb201_csv_path.name).symlink_to(nb201_csv_path)
    few = naslib_pickle(tmp_path / "few.pickle", 2)
    assert main(["data", "import", str(few), "--out", str(tmp_path)]) == 2
    one_line(capsys.readouterr().err.strip(), f"{tmp_path / nb201_csv_path.name} holds 15,625 architectures",
             "nb201.npz would be read instead", f"{tmp_path / nb201_csv_path.name} {few} --out {tmp_path}",
             "--replace")
    assert not (tmp_path / "nb201.npz").exists()


def test_a_network_evaluator_on_a_task_without_images_names_the_missing_table(tmp_path, capsys):
    """Without the TransNAS table, '--evaluator proxy' on class_scene said the task 'stores no proxies', where its
    table stores three and was not found (a proxy reading images: the data-free ones are scored without it)."""
    assert main(["search", "--space", "tnb101-micro", "--evaluator", "proxy", "--proxies", "jacov", "--budget", "2",
                 "--data-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")]) == 2
    error = one_line(capsys.readouterr().err.strip(), "--evaluator tabular", "transnas101_val.json.gz",
                     f"looked in {tmp_path}")
    assert "stores no proxies" not in error


def test_a_pickle_of_no_dataset_nasloop_reads_is_refused(tmp_path, capsys):
    """Records keyed 'cifar10' (not NASLib's 'cifar10-valid') made a table of the cells and no result: 'wrote
    (1 architectures)', and every search then found no results for cifar10."""
    path = naslib_pickle(tmp_path / "nb201_cifar10_full_training.pickle", 1, ("cifar10",))
    assert main(["data", "import", str(path), "--out", str(tmp_path / "out")]) == 2
    one_line(capsys.readouterr().err.strip(), "cifar10-valid, cifar100, ImageNet16-120", "the first holds cifar10")
    assert not (tmp_path / "out").exists()


def test_another_spaces_proxy_file_given_to_import_is_said_to_need_none(tmp_path, capsys):
    """NB201's Suite-Zero file given with --space tnb101-micro was 'not a tnb101-micro data file': true, but it is
    read as it is by nb201, which the same file given with --space nb201 said."""
    path = tmp_path / "nb201_zc_proxies.csv.gz"
    path.write_bytes(gzip.compress(b"arch_str,synflow_cifar10,synflow_imagenet16\n"))
    for space in ("tnb101-micro", "nds"):
        assert main(["data", "import", "--space", space, str(path), "--out", str(tmp_path / "out")]) == 2
        one_line(capsys.readouterr().err.strip(), "nb201_zc_proxies.csv.gz needs no import: nb201 reads it")


def test_a_space_built_from_its_missing_table_names_the_file_in_its_listing(capsys):
    """'nasloop spaces nds-darts-fix-w-d' without NDS data said only that the space takes width and depth from the
    table a tabular run reads: nothing said that the table was missing, or which file it is."""
    assert main(["spaces", "nds-darts-fix-w-d"]) == 0
    works = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("works with"))
    one_line(works, "the table, which is missing", "DARTS_fix-w-d.json", "nds_data.zip", "--space-opt widths=")
