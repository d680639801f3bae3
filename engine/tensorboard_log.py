"""``--tensorboard DIR``: a search's progress as TensorBoard scalars, through ``torch.utils.tensorboard``.

Per finished evaluation (its number is the step): the best objective so far, each metric of the
result, and whatever the strategy reports in ``diagnostics()`` (a guided strategy: its predictor's
Kendall tau on the results it was not fit on). ``tensorboard --logdir DIR`` shows them live; a
resumed run appends to the same folder.
"""
from __future__ import annotations

from pathlib import Path

from ..strategies.base import Strategy
from .errors import ConfigError
from .types import Result


class TensorBoardLog:
    """Writes one event file per run session under ``log_dir``."""

    def __init__(self, log_dir: str | Path, strategy: Strategy, minimize: bool) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise ConfigError("--tensorboard needs the tensorboard package: pip install 'nasloop[tensorboard]'") from None
        self.writer = SummaryWriter(str(log_dir))
        self.strategy, self.sign = strategy, -1.0 if minimize else 1.0

    def __call__(self, evaluation: int, result: Result, best: float | None) -> None:
        if best is not None:
            self.writer.add_scalar("search/best_so_far", self.sign * best, evaluation)
        self.writer.add_scalar("search/failed", 0.0 if result.ok else 1.0, evaluation)
        for name, value in result.metrics.items():
            if isinstance(value, (int, float)):
                self.writer.add_scalar(f"metrics/{name}", value, evaluation)
        for name, value in self.strategy.diagnostics().items():
            self.writer.add_scalar(name, value, evaluation)

    def close(self) -> None:
        self.writer.close()
