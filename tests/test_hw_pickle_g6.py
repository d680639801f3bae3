"""HW-NAS-Bench's hardware metrics from the benchmark's published pickle, and refusals that say where to get them.

The hardware refusals said to get ``nb201_hw_metrics.csv.gz`` 'as the data README says', a file a fresh machine
does not have, and nasloop read no public form of the metrics. ``HW-NAS-Bench-v1_0.pickle`` (the root of
github.com/GATECH-EIC/HW-NAS-Bench) is now read from the data folder as the CSV is. The fixture writes that pickle's
layout, ``{"nasbench201": {dataset: {metric: [value per NB201 index], "config": [{..., "arch_str": ...}]}}}``, from
the shared CSV's own numbers.
"""
from __future__ import annotations

import csv
import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb201 import NB201Benchmark, NB201Space
from nasloop.search_spaces.nb201.cell import cell_code
from nasloop.search_spaces.nb201.hardware import DATASET_SUFFIX, HW_FILE, METRICS, load_hardware

HW_PICKLE = "HW-NAS-Bench-v1_0.pickle"  # the name HW-NAS-Bench publishes it under

CLASSES = {"cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}


def published(rows: list[dict[str, str]]) -> dict:
    """The CSV's rows (by NB201 index) in the pickle's layout: a config per cell as the API's get_net_config shows."""
    space: dict = {}
    for dataset, suffix in DATASET_SUFFIX.items():
        space[dataset] = {"config": [{"name": "infer.tiny", "C": 16, "N": 5, "arch_str": row["arch_str"],
                                      "num_classes": CLASSES[dataset]} for row in rows]}
        for metric in METRICS:
            space[dataset][metric] = [float(row[f"{metric}_{suffix}"]) for row in rows]
    return {"nasbench201": space}


@pytest.fixture(scope="module")
def hw_rows(data_dir: Path) -> list[dict[str, str]]:
    with gzip.open(data_dir / HW_FILE, "rt", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["index"]) for r in rows] == list(range(len(rows)))
    return rows


@pytest.fixture(scope="module")
def pickle_folder(tmp_path_factory, data_dir: Path, hw_rows) -> Path:
    """A data folder with the NB201 table and HW-NAS-Bench's pickle, not nasloop's CSV."""
    folder = tmp_path_factory.mktemp("hw_pickle")
    (folder / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    (folder / HW_PICKLE).write_bytes(pickle.dumps(published(hw_rows)))
    return folder


def test_the_published_pickle_serves_what_the_csv_holds(pickle_folder, hw_rows, isolated_cache):
    """Every metric of a sample of cells, read from the pickle found in the data folder, is the CSV's figure (to the
    12 digits nasloop keeps; edgetpu_latency's -1, 'not compiled', no value)."""
    bench = NB201Benchmark(pickle_folder)
    assert "edgegpu_latency" in bench.metric_names("cifar10")
    space = NB201Space()
    for index in (0, 1, 2, *np.random.default_rng(0).choice(len(hw_rows), 30, replace=False)):
        row = hw_rows[index]
        code = cell_code(space.parse(row["arch_str"]))
        for dataset, suffix in DATASET_SUFFIX.items():
            for metric in METRICS:
                value = float(row[f"{metric}_{suffix}"])
                expected = np.nan if metric == "edgetpu_latency" and value == -1 else float(f"{value:.12g}")
                np.testing.assert_equal(bench.hardware(dataset)[metric][code], expected)


def test_a_pickle_short_of_a_metric_is_refused_in_one_line(tmp_path, hw_rows):
    data = published(hw_rows[:3])
    del data["nasbench201"]["cifar100"]["raspi4_latency"]
    path = tmp_path / HW_PICKLE
    path.write_bytes(pickle.dumps(data))
    with pytest.raises(DataError) as caught:
        load_hardware(str(path), 0.0)
    said = str(caught.value)
    assert "is not HW-NAS-Bench's HW-NAS-Bench-v1_0.pickle: it has no nasbench201 cifar100" in said
    assert "github.com/GATECH-EIC/HW-NAS-Bench" in said and "\n" not in said


def test_a_missing_hardware_file_says_where_to_get_it(tmp_path, data_dir, isolated_cache):
    (tmp_path / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    said = NB201Benchmark(tmp_path).metric_source("edgegpu_latency")
    assert f"read from {HW_FILE} or {HW_PICKLE}: not found" in said
    assert "github.com/GATECH-EIC/HW-NAS-Bench" in said and "data README" not in said


def test_importing_the_pickle_says_where_to_put_it(pickle_folder, tmp_path, capsys):
    assert cli.main(["data", "import", "--space", "nb201", str(pickle_folder / HW_PICKLE),
                     "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{HW_PICKLE} needs no import: nb201 reads it as it is from the data folder" in err
    assert err.count("\n") == 1
