"""A HW-NAS-Bench metric asked of an NB201 table whose data folders lack its file names the file to fetch: the
refusal listed only the metrics at hand, and nothing said that edgegpu_latency comes from nb201_hw_metrics.csv.gz."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.search_spaces.nb201 import NB201Benchmark

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_hardware_metric_without_its_file_names_the_file(tmp_path, nb201_csv_path):
    (tmp_path / nb201_csv_path.name).symlink_to(nb201_csv_path)
    with pytest.raises(ConfigError) as err:
        NB201Benchmark(tmp_path).check_metric("cifar10", "edgegpu_latency")
    one_line(str(err.value), "no metric 'edgegpu_latency'", "nb201_hw_metrics.csv.gz", "--data-dir")
    with pytest.raises(ConfigError) as err:
        NB201Benchmark(tmp_path).check_metric("cifar10", "latency")
    assert "nb201_hw_metrics" not in str(err.value)  # a name of no HW-NAS-Bench metric: only the choices
