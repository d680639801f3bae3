"""Files found in a data folder under a benchmark's name but holding something else (a user walk's mix-ups).

Built under tmp_path from the real shipped files (read, never written).
"""
from __future__ import annotations

import shutil

import pytest

from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.nb201 import NB201Benchmark

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_another_benchmarks_file_under_the_nb101_name_is_named_with_its_folder_and_fix(tmp_path, data_dir):
    """The TransNAS JSON saved as nasbench101_30k.json.gz: the message named only the file's name (not the folder
    among those searched), neither what it held nor what to do."""
    shutil.copy(data_dir / "transnas101_val.json.gz", tmp_path / "nasbench101_30k.json.gz")
    with pytest.raises(DataError) as err:
        NB101Benchmark(tmp_path).check("cifar10")
    one_line(str(err.value), tmp_path / "nasbench101_30k.json.gz", "TransNAS-Bench-101 JSON", "tnb101-micro",
             "replace it")


def test_the_hardware_file_under_the_nb201_name_is_named_with_its_folder_and_fix(tmp_path, data_dir):
    """HW-NAS-Bench's file, which no benchmark imports, is named for what it is and the name it is read under."""
    shutil.copy(data_dir / "nb201_hw_metrics.csv.gz", tmp_path / "nasbench201_all.csv.gz")
    with pytest.raises(DataError) as err:
        NB201Benchmark(tmp_path).check("cifar10")
    one_line(str(err.value), tmp_path / "nasbench201_all.csv.gz", "not a format of the nb201 benchmark",
             "HW-NAS-Bench's NB201 hardware file", "nb201_hw_metrics.csv.gz", "put the nb201 table here")
