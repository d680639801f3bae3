"""Small value types shared by every plugin kind.

An architecture is whatever small immutable, hashable value its search space chooses (NB201: a
tuple of six op indices). The engine never looks inside it: it asks the space to format, parse
and hash it, and stores the string form.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Hashable, Mapping, TypeAlias

from .errors import one_line

Arch: TypeAlias = Hashable
"""An architecture: a small immutable value owned by its search space."""

OK = "ok"
FAILED = "failed"


@dataclass(frozen=True)
class Result:
    """What one evaluation produced.

    ``metrics`` holds every number the evaluator measured (validation and test accuracy, losses,
    params...). The loop shows the strategy only the configured objective, so test metrics can be
    stored and reported without leaking into the search. ``cost`` is the seconds the evaluation
    took, or would have taken for a tabular benchmark (simulated training time); ``cost_estimated``
    says that it is an estimate (a table without measured training times) rather than a measurement.
    """

    metrics: Mapping[str, float] = field(default_factory=dict)
    cost: float = 0.0
    status: str = OK
    reason: str | None = None
    cost_estimated: bool = False

    @classmethod
    def failed(cls, reason: str, cost: float = 0.0, cost_estimated: bool = False,
               partial: Mapping[str, float] | None = None) -> "Result":
        """A failed evaluation; ``partial`` keeps what it did measure (the proxies that did not fail)."""
        # One line, so the summary and the CLI that quote it stay one line whatever an evaluator says.
        return cls(metrics=dict(partial or {}), cost=cost, status=FAILED, reason=one_line(reason, 1000),
                   cost_estimated=cost_estimated)

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass(frozen=True)
class Observation:
    """What a strategy is told about one architecture it asked for.

    ``score`` is the (first) objective, higher is better (already sign-flipped for minimised
    metrics); ``None`` when the evaluation failed. ``scores`` holds every objective of a
    multi-objective search the same way (``(score,)`` with one objective), and ``variances``
    their measurement noise when the evaluator measured it (several replicates of a generator
    point), else None. Strategies see nothing else of the result.
    """

    arch: Arch
    score: float | None
    scores: tuple[float, ...] | None = None
    variances: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.scores is None and self.score is not None and not math.isnan(self.score):
            object.__setattr__(self, "scores", (self.score,))

    @property
    def failed(self) -> bool:
        return self.score is None or math.isnan(self.score)
