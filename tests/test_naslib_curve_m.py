"""A NASLib NB201 pickle's learning curve is at most the 200-epoch schedule: each epoch becomes a column of all
15,625 cells, so a hostile or foreign file of 20,000 epochs filled memory (an 'unexpected MemoryError')."""
from __future__ import annotations

import pickle

import pytest

from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb201 import NB201Benchmark

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def test_a_curve_longer_than_the_schedule_is_refused_before_its_columns_are_built(tmp_path):
    path = tmp_path / "nb201_cifar10_full_training.pickle"
    path.write_bytes(pickle.dumps({CELL: {"cifar10-valid": {"eval_acc1es": [50.0] * 400}}}))
    with pytest.raises(DataError) as err:
        NB201Benchmark.import_files([path])
    one_line(str(err.value), path, "400 epochs", "200-epoch schedule", "not a NASLib NB201 pickle")
    path.write_bytes(pickle.dumps({CELL: {"cifar10-valid": {"eval_acc1es": [50.0] * 200}}}))
    assert NB201Benchmark.import_files([path]).held() == 1
