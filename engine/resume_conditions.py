"""What a resume says when its results were computed under other conditions than the run's earlier ones.

An evaluator's condition metrics (:attr:`Evaluator.condition_metrics`: training's ``torch_threads``) record under
what each result was computed. The same architecture and seed trained on 1 and on 2 torch threads gave 27.24 and
28.39 % test accuracy (floats summed in another order), and a resume may change executor (Ray workers run torch on
the CPUs their trial declares), ``--workers`` or machine: results from before and after it then differ unseen.
Said once the resume ends, since only the results show the conditions they ran under.
"""
from __future__ import annotations

from typing import Mapping

from .evaluators.base import Evaluator
from .store import RunStore

Conditions = Mapping[int, Mapping[str, float]]
"""Each evaluated trial's condition metrics, by trial id."""


def recorded_conditions(store: RunStore, evaluator: Evaluator) -> dict[int, dict[str, float]]:
    """The condition metrics of every trial the run has evaluated (none where the evaluator records none)."""
    names = evaluator.condition_metrics
    if not names:
        return {}
    return {trial.id: {name: trial.result.metrics[name] for name in names if name in trial.result.metrics}
            for trial in store.trials("state = 'done' AND duplicate_of IS NULL") if trial.result is not None}


def changed_conditions_note(before: Conditions, after: Conditions) -> str | None:
    """One line where the trials evaluated since ``before`` record a condition value the earlier ones do not."""
    new = {trial: values for trial, values in after.items() if trial not in before}
    for name in sorted({name for values in new.values() for name in values}):
        then = sorted({values[name] for values in before.values() if name in values})
        now = sorted({values[name] for values in new.values() if name in values})
        if then and set(now) - set(then):
            return (f"this resume's {len(new)} result(s) record {name} {_listed(now)}, the run's {len(before)} "
                    f"earlier one(s) {_listed(then)}: with another {name} an architecture's results differ in their "
                    "last digits, so results from before and after the resume are not alike to the last digit "
                    "(resume with the executor and CPUs the run began with to keep them alike)")
    return None


def _listed(values: list[float]) -> str:
    return " and ".join(f"{value:g}" for value in values)
