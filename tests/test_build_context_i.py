"""build_context for a run that looks results up: a task its benchmark lacks is named, not kept for later misses."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop import NasloopError


def test_a_misspelt_task_is_named_when_the_context_is_built(data_dir):
    """build_context(NB201Space, 'cifar-10', lookup=True) was built; a forest on it found no stored proxies for
    'cifar-10' and silently fell back to graph features alone (74 columns instead of 87)."""
    from nasloop.engine.assemble import build_context
    from nasloop.search_spaces.nb201 import NB201Space

    with pytest.raises(NasloopError, match=r"the nb201 benchmark has no task 'cifar-10'; choose --dataset from: "
                                           r"cifar10, cifar100, ImageNet16-120"):
        build_context(NB201Space, "cifar-10", str(data_dir), lookup=True)
    context = build_context(NB201Space, "CIFAR10", str(data_dir), lookup=True)  # the benchmark's own spellings pass
    cell = NB201Space().sample(np.random.default_rng(0))
    assert np.isfinite(context.benchmark.query(cell, "cifar10").metrics["val_accuracy"])
