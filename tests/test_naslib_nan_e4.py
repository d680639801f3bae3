"""A NaN in a NASLib NB201 pickle is no value: merged after the CSV (or the table built from it), it left NaN where
the CSV had the cell's 200- and 12-epoch results, the import said "replaced", and searches then refused the table
as holding 15,624 of 15,625 cells, advising the very import that had made it."""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from nasloop.engine.data.table import column_name
from nasloop.search_spaces.nb201 import NB201Benchmark, NB201Space, importers
from nasloop.search_spaces.nb201.cell import cell_code

pytestmark = pytest.mark.usefixtures("isolated_cache")

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def test_a_nan_in_a_pickle_overrides_none_of_the_csvs_values(tmp_path, csv_table):
    code = cell_code(NB201Space().parse(CELL))
    path = tmp_path / "nb201_nan.pickle"

    def merged(curve: list[float]) -> dict[str, np.ndarray]:
        path.write_bytes(pickle.dumps({CELL: {"cifar10-valid": {"eval_acc1es": curve}}}))
        return NB201Benchmark.merge_tables([csv_table, importers.import_naslib_pickle(path)]).columns

    def csv(fidelity: int, metric: str) -> float:
        return float(csv_table.columns[column_name("cifar10", fidelity, metric)][code])

    columns = merged([math.nan] * 200)
    for fidelity in (200, 12):
        for metric in ("val_accuracy", "test_accuracy", "train_seconds"):
            assert columns[column_name("cifar10", fidelity, metric)][code] == csv(fidelity, metric), (fidelity, metric)
        assert columns[column_name("cifar10", fidelity, "cost_estimated")][code]
    assert np.isnan(columns[column_name("cifar10", 5, "val_accuracy")][code])  # no file gave epoch 5 a number
    columns = merged([90.0] * 199 + [math.nan])  # the last epoch missing: the others still override
    assert columns[column_name("cifar10", 200, "val_accuracy")][code] == csv(200, "val_accuracy")
    assert columns[column_name("cifar10", 12, "val_accuracy")][code] == 90.0
    assert np.isnan(columns[column_name("cifar10", 12, "test_accuracy")][code])  # the CSV's 12-epoch run is another
