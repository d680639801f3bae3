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
from typing import Sequence

from ..strategies.base import Strategy
from .errors import ConfigError
from .objectives import GrowingFront, Objective, oriented_values
from .types import Result


class TensorBoardLog:
    """Writes one event file per run session under ``log_dir``."""

    def __init__(self, log_dir: str | Path, strategy: Strategy, objectives: Sequence[Objective],
                 reference_point: Sequence[float] | None = None, earlier: Sequence[Result] = ()) -> None:
        """``earlier``: a resumed run's results, so that its best values and front go on from them."""
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise ConfigError("--tensorboard needs the tensorboard package: "
                              "pip install 'nasloop[tensorboard]'") from None
        self.writer = SummaryWriter(str(log_dir))
        self.strategy, self.objectives = strategy, tuple(objectives)
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
        for name, value in self.strategy.diagnostics().items():
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
