"""A NaN in a later imported file is no value and keeps an earlier file's (README, 'nasloop data import'): a CSV's
NaN, or a pickle's NaN validation accuracy beside its test accuracy, wiped the earlier value, and a search then
advised importing a pickle the user never had."""
from __future__ import annotations

import csv
import json
import math
import pickle

import numpy as np

from nasloop.engine.data.table import Table, column_name
from nasloop.search_spaces.nb201 import importers

VAL_200 = column_name("cifar10", 200, "val_accuracy")


def test_a_nan_in_a_later_nb201_csv_keeps_the_earlier_value(tmp_path, csv_rows, csv_table):
    rows = [dict(row) for row in csv_rows]
    rows[0]["cifar10valid_val_200"] = "nan"
    later = tmp_path / "later.csv"
    with open(later, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    row = int(np.flatnonzero(csv_table.columns["index"] == int(rows[0]["index"]))[0])
    merged = importers.merge([csv_table, importers.import_csv(later)])
    row = int(np.flatnonzero(csv_table.columns["index"] == 0)[0])
    assert float(merged.columns[VAL_200][row]) == float(csv_table.columns[VAL_200][row])
    assert not np.isnan(merged.columns[VAL_200]).any()


CELL = {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"], "params": 1000}


def test_a_nan_validation_accuracy_in_a_later_nb101_pickle_keeps_the_jsons(tmp_path, nasloop_in_process):
    key = "a" * 32
    earlier = tmp_path / "a.json"
    earlier.write_text(json.dumps([{"hash": key, **CELL, "val_acc_4": 50.0, "val_acc_12": 70.0, "val_acc_36": 85.0,
                                    "val_acc_108": 90.0, "train_time_108": 1500.0, "zen": None}]))
    final = {"training_time": 1600.0, "train_accuracy": 1.0, "validation_accuracy": math.nan, "test_accuracy": 0.89}
    runs = [{**{f"halfway_{k}": v for k, v in final.items()}, **{f"final_{k}": v for k, v in final.items()}}] * 3
    later = tmp_path / "nasbench_only108.pkl"
    later.write_bytes(pickle.dumps({key: ({"module_adjacency": np.array(CELL["matrix"], dtype=np.int64),
                                           "module_operations": CELL["ops"], "trainable_parameters": 1000},
                                          {108: runs})}))
    done = nasloop_in_process(["data", "import", "--space", "nb101", str(earlier), str(later), "--out",
                               str(tmp_path / "out")])
    assert done.returncode == 0, done.stderr
    columns = Table.load(tmp_path / "out" / "nb101.npz").columns
    assert float(columns[VAL_200.replace("200", "108")][0]) == 90.0  # the JSON's, where the pickle has none
    assert float(columns[column_name("cifar10", 108, "test_accuracy")][0]) == 89.0  # the pickle's
