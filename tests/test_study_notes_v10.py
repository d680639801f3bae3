"""The note on a pair of a study that differs on 5 seeds or fewer gives each pair's own smallest possible p: it said
0.0625 (5 seeds' bound) of a pair differing on 3, whose exact Wilcoxon p cannot go below 0.25."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from nasloop.engine.config import SearchConfig
from nasloop.engine.report import study_notes
from nasloop.engine.store_rows import Trial
from nasloop.engine.study import Study
from nasloop.engine.study_results import MethodRuns, StudyResults
from nasloop.engine.types import Result


def _runs(label: str, finals: list[float]) -> MethodRuns:
    """A method whose seed s found ``finals[s]`` at its one evaluation."""
    method = MethodRuns(label)
    for seed, value in enumerate(finals):
        method.add(seed, [Trial(1, 1, f"{label}-{seed}", f"{label}-{seed}", None, "done", None, value,
                                Result(metrics={"val_accuracy": value}), True, 0.0, 1.0)], 1, None, 1.0)
    return method


def test_each_short_pair_is_given_the_smallest_p_its_own_differing_seeds_allow(tmp_path: Path) -> None:
    a = [91.0, 92.0, 93.0, 90.0, 90.5, 91.5, 90.0]
    b = [91.0, 92.0, 93.0, 89.0, 90.0, 91.0, 90.0]  # a wins 3, ties 4: p 0.25 at best, as here
    c = [91.0, 92.0, 92.0, 89.0, 90.0, 91.0, 89.0]  # against a: wins 5, ties 2
    results = StudyResults(Study(tmp_path, SearchConfig(), [], list(range(7))), 1, "val_accuracy", False, None,
                           {"a": _runs("a", a), "b": _runs("b", b), "c": _runs("c", c)}, [])
    [note] = [note for note in study_notes(results) if "5 seeds or fewer" in note]
    assert stats.wilcoxon(np.subtract(a, b)).pvalue == 0.25 and stats.wilcoxon(np.subtract(a, c)).pvalue == 0.0625
    assert "a vs b (3 seeds: smallest p 0.25)" in note and "a vs c (5 seeds: smallest p 0.0625)" in note
    assert "b vs c (2 seeds: smallest p 0.5)" in note and "0.0625 or more" in note  # b and c tie on 5
