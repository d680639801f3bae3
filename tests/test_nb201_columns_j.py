"""NB201's metric_values reads columns; it must give what its lookups give, metric by metric."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.registry import SEARCH_SPACES


@pytest.mark.parametrize("task", ["cifar10", "ImageNet16-120"])
def test_metric_values_read_from_columns_match_each_lookup(data_dir, task):
    """compare --target over six objectives built every cell's result per objective (93,750 lookups, 9 s); the
    columns must say the same as those lookups, failed cells (NaN) included."""
    benchmark = build_context(SEARCH_SPACES.get("nb201"), task, str(data_dir), lookup=True).benchmark
    cells = benchmark.cells()
    chosen = [cells[i] for i in np.random.default_rng(0).choice(len(cells), 300, replace=False)]
    for fidelity in (None, benchmark.fidelities(task)[0]):
        for metric in benchmark.metric_names(task, fidelity):
            looked_up = [benchmark.query(c, task, fidelity).metrics.get(metric, np.nan) for c in chosen]
            np.testing.assert_array_equal(benchmark.metric_values(chosen, task, metric, fidelity), looked_up,
                                          err_msg=f"{metric} at {fidelity}")
