"""A benchmark's task: a dataset or task, the metric a search on it optimises, and the names it is asked for by;
and its fidelities read as whole epochs.

Kept apart from :mod:`.benchmark` so the refusal of a name that is no task lives beside the names it reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..engine.errors import ConfigError


@dataclass(frozen=True)
class Task:
    """One dataset or task of a benchmark and the metric a search on it optimises."""

    name: str
    metric: str = "val_accuracy"
    minimize: bool = False
    description: str = ""
    aliases: tuple[str, ...] = ()
    near_names: tuple[str, ...] = ()
    """Names, in lower case, of a setting some of this task's values come from that is no task of its own here (NB201's
    ``cifar10-valid``, the run its CIFAR-10 validation accuracies are of, which NB201's API and NASLib name as a
    dataset): ``--dataset`` giving one is refused, naming this task and its description, where a bare list of the
    tasks left a user to guess which one reads that run, and how."""


def unknown_task(benchmark: str, name: str, tasks: Sequence[Task]) -> str:
    """The one line refusing ``name`` as a task of ``benchmark``: the task it is near to, if any, else every task."""
    near = next((task for task in tasks if str(name).lower() in task.near_names), None)
    if near is not None:
        return (f"the {benchmark} benchmark has no task '{name}'; give --dataset {near.name}"
                f"{f', whose values are {near.description}' if near.description else ''}")
    return f"the {benchmark} benchmark has no task '{name}'; choose --dataset from: {', '.join(t.name for t in tasks)}"


def whole_epochs(fidelity: Any) -> int:
    """``fidelity`` as a whole number of epochs, or one line: int() reads 12.5 as 12 (another fidelity's results,
    returned unseen), True as 1, and fails on 'twelve' with Python's ValueError."""
    try:
        epochs = int(fidelity)
        whole = not isinstance(fidelity, bool) and epochs == float(fidelity)
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole:
        raise ConfigError(f"a fidelity is a whole number of training epochs, got {fidelity!r}; give one the table "
                          "holds (benchmark.fidelities(task) lists them)")
    return epochs
