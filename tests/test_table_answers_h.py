"""Targets and reference points computed from a table hold for the evaluators that declare ``answers_table``,
whatever their registered name, and for no other."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.registry import register_evaluator
from nasloop.engine.study_target import refuse_empty_reference_point, study_target

OBJECTIVES = ["val_accuracy:max", "params_m:min"]


def test_an_evaluator_declaring_it_answers_the_table_is_held_to_it_under_any_name(data_dir: Path) -> None:
    """The checks asked for the evaluator named 'tabular': a user's lookup under another name, answering the same
    values, got no default target (its study's queries-to-target column read '–') and no refusal of a reference
    point no cell beats (every hypervolume 0)."""

    @register_evaluator("h-lookup")
    class Lookup(TabularEvaluator):
        """The table's own answers under another name."""

    base = SearchConfig(space="nb201", dataset="cifar10", evaluator="h-lookup", data_dir=str(data_dir))
    best = study_target(None, base.replace(evaluator="tabular"))
    assert best is not None and study_target(None, base) == best
    with pytest.raises(ConfigError, match="is past the best val_accuracy any cell of the table has"):
        study_target(best + 1, base)
    with pytest.raises(ConfigError, match="no cell of the table is better than --reference-point 200,0"):
        refuse_empty_reference_point(base.replace(objectives=OBJECTIVES, reference_point=[200, 0]))


def test_an_evaluator_that_only_reads_the_table_is_held_to_nothing(data_dir: Path) -> None:
    """One that reads the table but does not answer its values exactly (noise added) may reach past its best."""

    @register_evaluator("h-noisy")
    class Noisy(TabularEvaluator):
        """The table's answers, declared not to be exactly its values."""

        answers_table = False

    base = SearchConfig(space="nb201", dataset="cifar10", evaluator="h-noisy", data_dir=str(data_dir))
    assert Noisy.uses_benchmark and study_target(None, base) is None and study_target(101.0, base) == 101.0
    refuse_empty_reference_point(base.replace(objectives=OBJECTIVES, reference_point=[200, 0]))
