"""NASLib's NB101 pickle (``nasbench_only108.pkl``) → nasloop table.

The fixture pickles copy the published layout exactly (``naslib/utils/nb101_api.py`` reads
``{hash: (fixed_statistics, {epochs: [3 runs]})}``; NASLib's own test asset ``nb101_dummy.pkl``
has this shape, with int64 adjacency arrays, and fractions for accuracies). The cells, graphs,
parameter counts, validation accuracies and training times are real records from
``nasbench101_30k.json.gz``. That file holds only run-averaged validation accuracy and 108-epoch
training time, so the per-run numbers here are CONSTRUCTED from the real values: the three runs'
validation accuracies are the real mean plus offsets summing to zero, test accuracy is
validation - 0.4 points, training times are the real time scaled by 0.99/1.00/1.01 (and by
epochs/108 for the shorter budgets), and train accuracy is 1.0.
"""
from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb101.importers_naslib import import_naslib_pickle, looks_like_naslib_nb101

ACC_OFFSETS = (-0.003, 0.001, 0.002)  # per-run validation accuracy minus the real mean (fractions)
TIME_FACTORS = (0.99, 1.00, 1.01)
TEST_GAP = 0.004
OP_CODES = {"conv3x3-bn-relu": 0, "conv1x1-bn-relu": 1, "maxpool3x3": 2, "input": -1, "output": -2}


@pytest.fixture(scope="module")
def records(data_dir: Path) -> list[dict]:
    """Real cells: the first of each size (7 down to 2 nodes) in the 30k file."""
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as fh:
        all_records = json.load(fh)
    firsts: dict[int, dict] = {}
    for record in all_records:
        firsts.setdefault(len(record["ops"]), record)
    assert sorted(firsts) == [2, 3, 4, 5, 6, 7]
    return [firsts[k] for k in sorted(firsts, reverse=True)]


def _runs(record: dict, epochs: int) -> list[dict]:
    val = record[f"val_acc_{epochs}"] / 100
    seconds = record["train_time_108"] * epochs / 108
    runs = []
    for offset, factor in zip(ACC_OFFSETS, TIME_FACTORS):
        final = {"training_time": seconds * factor, "train_accuracy": 1.0,
                 "validation_accuracy": val + offset, "test_accuracy": val + offset - TEST_GAP}
        runs.append({**{f"halfway_{k}": v / 2 for k, v in final.items()},
                     **{f"final_{k}": v for k, v in final.items()}})
    return runs


def _naslib_pickle(records: list[dict], budgets: tuple[int, ...] = (108,)) -> dict:
    return {r["hash"]: ({"module_adjacency": np.array(r["matrix"], dtype=np.int64),
                         "module_operations": list(r["ops"]),
                         "trainable_parameters": int(r["params"])},
                        {epochs: _runs(r, epochs) for epochs in budgets})
            for r in records}


def _write(tmp_path: Path, obj, name: str = "nasbench_only108.pkl") -> Path:
    path = tmp_path / name
    path.write_bytes(pickle.dumps(obj, protocol=4))
    return path


def _error(path: Path) -> str:
    with pytest.raises(DataError) as err:
        import_naslib_pickle(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    return message


def test_columns_dtypes_and_meta(tmp_path, records):
    table = import_naslib_pickle(_write(tmp_path, _naslib_pickle(records)))
    cols = table.columns
    assert len(table) == len(records)
    assert set(cols) == {"hash", "num_nodes", "matrix", "ops", "params", "cifar10@108:val_accuracy",
                         "cifar10@108:test_accuracy", "cifar10@108:train_seconds"}
    assert cols["hash"].dtype == np.dtype("<U32") and cols["num_nodes"].dtype == np.int8
    assert cols["matrix"].dtype == np.uint8 and cols["matrix"].shape == (len(records), 7, 7)
    assert cols["ops"].dtype == np.int8 and cols["ops"].shape == (len(records), 7)
    assert cols["params"].dtype == np.int64
    assert table.meta == {"benchmark": "nb101", "key": "hash", "source": "nasbench_only108.pkl",
                          "repeats": "mean of 3 training runs",
                          "cost": "measured: mean final_training_time (seconds) of the training runs"}
    assert list(cols["hash"]) == [r["hash"] for r in records]
    np.testing.assert_array_equal(cols["params"], [r["params"] for r in records])


def test_matrix_and_ops_packing(tmp_path, records):
    cols = import_naslib_pickle(_write(tmp_path, _naslib_pickle(records))).columns
    for row, record in enumerate(records):
        k = len(record["ops"])
        assert cols["num_nodes"][row] == k
        np.testing.assert_array_equal(cols["matrix"][row, :k, :k], record["matrix"])
        assert not cols["matrix"][row, k:].any() and not cols["matrix"][row, :, k:].any()
        assert cols["matrix"][row, :, k - 1].any()  # the output, at index num_nodes-1, has inputs
        assert list(cols["ops"][row]) == [OP_CODES[op] for op in record["ops"]] + [-3] * (7 - k)


def test_metrics_are_percent_means_over_the_runs(tmp_path, records):
    data = _naslib_pickle(records)
    cols = import_naslib_pickle(_write(tmp_path, data)).columns
    for row, record in enumerate(records):
        runs = data[record["hash"]][1][108]
        val = 100 * np.mean([run["final_validation_accuracy"] for run in runs])
        test = 100 * np.mean([run["final_test_accuracy"] for run in runs])
        seconds = np.mean([run["final_training_time"] for run in runs])
        assert cols["cifar10@108:val_accuracy"][row] == pytest.approx(val)
        assert cols["cifar10@108:test_accuracy"][row] == pytest.approx(test)
        assert cols["cifar10@108:train_seconds"][row] == pytest.approx(seconds)
        # the offsets cancel, so the mean is the real published number again
        assert cols["cifar10@108:val_accuracy"][row] == pytest.approx(record["val_acc_108"], abs=1e-9)
        assert cols["cifar10@108:train_seconds"][row] == pytest.approx(record["train_time_108"])


def test_every_epoch_budget_in_the_file_becomes_columns(tmp_path, records):
    cols = import_naslib_pickle(_write(tmp_path, _naslib_pickle(records, (4, 12, 36, 108)))).columns
    for epochs in (4, 12, 36, 108):
        np.testing.assert_allclose(cols[f"cifar10@{epochs}:val_accuracy"], [r[f"val_acc_{epochs}"] for r in records])
        assert f"cifar10@{epochs}:test_accuracy" in cols and f"cifar10@{epochs}:train_seconds" in cols


def test_already_loaded_data_is_used_as_given(tmp_path, records):
    path = tmp_path / "never_written.pkl"
    table = import_naslib_pickle(path, data=_naslib_pickle(records))
    assert len(table) == len(records) and table.meta["source"] == "never_written.pkl"


def test_detection(records):
    assert looks_like_naslib_nb101(_naslib_pickle(records))
    nb201 = {"|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|":
             {"cifar10-valid": {"eval_acc1es": [50.0], "train_times": [10.0]}}}
    for other in (nb201, {}, [], {"ff92c322c5d9d3d587d9c146a63d0807": {"module_adjacency": []}}):
        assert not looks_like_naslib_nb101(other)


def test_nb201_naslib_layout_is_refused_saying_what_was_found(tmp_path):
    nb201 = {"|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|":
             {"cifar10-valid": {"eval_acc1es": [50.0], "train_times": [10.0]}, "cifar100": {}}}
    message = _error(_write(tmp_path, nb201, "nb201_cifar10_full_training.pickle"))
    assert "not NASLib's NAS-Bench-101 pickle" in message
    assert "'cifar10-valid'" in message and "found a dict of 1 entries" in message


def test_other_wrong_files_give_one_line_errors(tmp_path, records):
    assert "found a list" in _error(_write(tmp_path, [1, 2]))
    data = _naslib_pickle(records[:2])
    data[records[1]["hash"]][0]["module_operations"][1] = "conv5x5-bn-relu"
    assert "unknown operation 'conv5x5-bn-relu'" in _error(_write(tmp_path, data))
    data = _naslib_pickle(records[:1])
    for run in data[records[0]["hash"]][1][108]:
        run["final_validation_accuracy"] *= 100  # percent where NASLib stores fractions
    assert "outside 0-100%" in _error(_write(tmp_path, data))
    truncated = _write(tmp_path, _naslib_pickle(records))
    truncated.write_bytes(truncated.read_bytes()[:-40])
    assert "truncated or corrupt" in _error(truncated)
