"""A study's target for an ``--objective`` other than the task's metric: the table's best of that metric."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.study_target import study_target
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import SEARCH_SPACES


def test_a_minimised_objective_counts_queries_to_the_tables_smallest_value(data_dir: Path) -> None:
    """'compare --objective params_m --minimize' had no default target ('–' in the queries-to-target column), and
    '--target 0.001', below every cell's parameter count, was taken: every run read '>budget', as if all had
    failed alike, which the check against the table's best exists to prevent."""
    base = SearchConfig(space="nb201", dataset="cifar10", objective="params_m", minimize=True, data_dir=str(data_dir))
    benchmark = build_context(SEARCH_SPACES.get("nb201"), "cifar10", str(data_dir), lookup=True).benchmark
    smallest = min(benchmark.query(cell, "cifar10").metrics["params_m"] for cell in benchmark.cells())
    assert study_target(None, base) == pytest.approx(smallest)
    assert study_target(smallest * 2, base) == smallest * 2  # reachable: a network that small exists
    with pytest.raises(ConfigError) as refused:
        study_target(0.001, base)
    message = str(refused.value)
    assert "--target 0.001 is past the best params_m any cell of the table has" in message
    assert f"give a value of at least {smallest:g}" in message and "\n" not in message
    largest = max(benchmark.query(cell, "cifar10").metrics["params_m"] for cell in benchmark.cells())
    assert study_target(None, base.replace(minimize=False)) == pytest.approx(largest)  # maximised: the largest


def test_a_study_of_one_method_says_one_method(tmp_path: Path, data_dir: Path) -> None:
    """Its report began "1 methods, seeds [0], ..." while compare printed "(1 method, 1 seed; 1 run used)"."""
    from nasloop.engine.cli import main

    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    assert "\n1 method, seeds [0], evaluator tabular, objective val_accuracy" in (study / "report.md").read_text()
