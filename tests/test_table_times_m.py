"""Training times from outside are never negative: a negative one made a run's cost, and --max-seconds, run
backwards. Imports of both published formats that carry times are refused in one line naming file and column."""
from __future__ import annotations

import gzip
import json
import pickle

import pytest

from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.nb201 import NB201Benchmark

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def test_a_naslib_nb201_pickle_with_negative_train_times_is_refused(tmp_path):
    path = tmp_path / "nb201_cifar10_full_training.pickle"
    record = {"cifar10-valid": {"eval_acc1es": [50.0] * 200, "train_times": [-5.0] * 200}}
    path.write_bytes(pickle.dumps({CELL: record}))
    with pytest.raises(DataError) as err:
        NB201Benchmark.import_files([path])
    one_line(str(err.value), path.name, "cifar10@1:train_seconds", "-5.0", "get a fresh copy")
    record["cifar10-valid"]["train_times"] = [5.0] * 200
    path.write_bytes(pickle.dumps({CELL: record}))
    assert NB201Benchmark.import_files([path]).held() == 1


def test_an_nb101_json_with_a_negative_training_time_is_refused(tmp_path, data_dir):
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as fh:
        records = json.load(fh)[:50]
    records[3]["train_time_108"] = -100.0
    path = tmp_path / "nb101.json"
    path.write_text(json.dumps(records))
    with pytest.raises(DataError) as err:
        NB101Benchmark.import_files([path])
    one_line(str(err.value), path.name, "cifar10@108:train_seconds", "row 3")
