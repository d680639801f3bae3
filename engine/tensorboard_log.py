"""``--tensorboard DIR``: a search's progress as TensorBoard scalars, through ``torch.utils.tensorboard``.

Per finished evaluation (its number is the step): the best objective so far (with several objectives, the
best of each, the Pareto front's size and, given a ``--reference-point``, its hypervolume: without a fixed
reference a volume's curve would move with the worst point seen), each metric of the result, and whatever
the strategy reports in ``diagnostics()`` (a guided strategy: its predictor's Kendall tau on the results it
was not fit on). ``tensorboard --logdir DIR`` shows them live; a resumed run appends to the same folder.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..strategies.base import Strategy
from .errors import ConfigError, PluginFault, one_line
from .held_imports import imported
from .objectives import GrowingFront, Objective, oriented_values
from .registry import STRATEGIES
from .types import Result


def diagnostic_numbers(strategy: Strategy, given: Any) -> dict[str, float]:
    """``strategy``'s ``diagnostics()`` as ``given``, each value a number TensorBoard can plot, else one line naming
    the strategy: a string value failed inside TensorBoard, after an evaluation, blamed on torch's code."""
    name = f"strategy {STRATEGIES.label(strategy)}"
    if not isinstance(given, dict):
        raise PluginFault(f"{name}: diagnostics() returned {type(given).__name__}; return a dict of names to "
                          "numbers, which --tensorboard plots (an empty dict for none)")
    numbers = {key: number for key, value in given.items() if isinstance(key, str)
               and (number := _number(value)) is not None}
    odd = next(((key, value) for key, value in given.items() if key not in numbers), None)
    if odd is not None:
        raise PluginFault(f"{name}: diagnostics() returned {one_line(repr(odd[0]), 40)}: {one_line(repr(odd[1]), 40)}"
                          "; its values must be numbers, which --tensorboard plots, under names that are strings")
    return numbers


def _number(value: Any) -> float | None:
    """``value`` as the number TensorBoard plots, or None where it is none: a 0-d tensor or array, or a numpy
    scalar, is one (a torch scalar was refused, as not a Real), and text or a truth value is not (float('1.5') and
    float(True) would take them)."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        return None
    try:
        return float(value)
    except Exception:  # noqa: BLE001 - whatever a user's value raises, it is not a number
        return None


def refuse_odd_diagnostics(strategy: Strategy) -> None:
    """Refuse diagnostics that are not numbers before the first evaluation, where the strategy can say them then;
    one that needs results first is read, and checked, after each evaluation."""
    try:
        early = strategy.diagnostics()
    except Exception:  # noqa: BLE001 - not readable before results: its first real reading names any fault
        return
    diagnostic_numbers(strategy, early)


class TensorBoardLog:
    """Writes one event file per run session under ``log_dir``."""

    def __init__(self, log_dir: str | Path, strategy: Strategy, objectives: Sequence[Objective],
                 reference_point: Sequence[float] | None = None, earlier: Sequence[Result] = ()) -> None:
        """``earlier``: a resumed run's results, so that its best values and front go on from them."""
        try:
            SummaryWriter = imported("torch.utils.tensorboard").SummaryWriter
        except ImportError:
            raise ConfigError("--tensorboard needs the tensorboard package: "
                              "pip install 'nasloop[tensorboard]'") from None
        self.strategy, self.objectives = strategy, tuple(objectives)
        refuse_odd_diagnostics(strategy)  # a resumed run's; a new run's before its folder is made
        self.writer = SummaryWriter(str(log_dir))
        self.front = GrowingFront(self.objectives, reference_point)
        self.best: dict[str, float] = {}  # each objective's best oriented value, for several objectives
        for result in earlier if len(self.objectives) > 1 else ():
            if result.ok:
                self._take(result)

    def __call__(self, evaluation: int, result: Result, best: float | None) -> None:
        if len(self.objectives) == 1:
            if best is not None:
                self.writer.add_scalar("search/best_so_far", self.objectives[0].oriented(best), evaluation)
        elif result.ok:
            self._log_front(evaluation, result)
        self.writer.add_scalar("search/failed", 0.0 if result.ok else 1.0, evaluation)
        for name, value in result.metrics.items():
            if isinstance(value, (int, float)):
                self.writer.add_scalar(f"metrics/{name}", value, evaluation)
        for name, value in diagnostic_numbers(self.strategy, self.strategy.diagnostics()).items():
            self.writer.add_scalar(name, value, evaluation)

    def _take(self, result: Result) -> float:
        for objective in self.objectives:
            value = oriented_values(result.metrics, (objective,))
            if value is not None and value[0] > self.best.get(objective.metric, -math.inf):
                self.best[objective.metric] = value[0]
        return self.front.add(result.metrics)

    def _log_front(self, evaluation: int, result: Result) -> None:
        volume = self._take(result)
        for objective in self.objectives:
            if objective.metric in self.best:
                self.writer.add_scalar(f"search/best_{objective.metric}",
                                       objective.oriented(self.best[objective.metric]), evaluation)
        if self.front.members:
            self.writer.add_scalar("search/pareto_front_size", len(self.front.members), evaluation)
        if math.isfinite(volume):  # NaN before a result has every objective; inf when the volume overflows
            self.writer.add_scalar("search/hypervolume", volume, evaluation)

    def close(self) -> None:
        self.writer.close()
