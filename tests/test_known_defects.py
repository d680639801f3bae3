"""Defects found by users walking through nasloop, each pinned by the behaviour the user should have seen."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop import NasloopError


def test_a_misspelt_metric_is_refused_naming_the_available_ones(nb201_context):
    """metric_values(..., "val_acuracy") returned all NaN: a study or script read 'no result' for every cell."""
    from nasloop.search_spaces.nb201 import NB201Space

    cells = list(NB201Space().enumerate())[:5]
    benchmark = nb201_context.benchmark
    with pytest.raises(NasloopError, match="has no metric 'val_acuracy'.*val_accuracy"):
        benchmark.metric_values(cells, "cifar10", "val_acuracy")
    assert np.isfinite(benchmark.metric_values(cells, "cifar10", "val_accuracy")).all()
