"""What a run's values are, in words, for ``nasloop show`` and a run's report: a table's own description of its
values (NB301's CIFAR-10 accuracies are the surrogate's predictions), else the evaluator's of the data it measured
each metric on (training: a validation split carved from the training images, and the test split or none).

A training run's show listed val_accuracy and test_accuracy with nothing to say which images either was measured on,
nor, once ``test=false`` left the test split out, why test_accuracy was missing.
"""
from __future__ import annotations

from typing import Any, Mapping

from .assemble import table_values
from .errors import ConfigError
from .option_bounds import stored_options
from .options import check_options
from .registry import EVALUATORS


def run_values(summary: Mapping[str, Any]) -> str:
    """The values of the run ``summary`` describes, in words; '' where neither its table nor its evaluator (one not
    at hand included) says more than the metrics' names."""
    objective = None if summary.get("objectives") else summary["objective"]
    values = table_values(summary["space"], summary["dataset"], objective, summary["evaluator"])
    if values or summary["evaluator"] not in EVALUATORS.names_at_hand():
        return values
    evaluator, options = EVALUATORS.get(summary["evaluator"]), summary.get("options", {}).get("evaluator", {})
    try:  # stored options the evaluator does not take as they are (a damaged store, an older nasloop's): no words,
        with stored_options():  # a run's replicates past a new run's bound ran, and are described as any other
            check_options(f"evaluator '{summary['evaluator']}'", evaluator, dict(options))  # as before they were read
    except (ConfigError, TypeError, ValueError):  # 'show' failed as an unexpected ValueError in measured_on
        return ""
    return evaluator.measured_on(options)
