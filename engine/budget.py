"""A search's budget: how many distinct evaluations, and how many seconds of their cost, it may spend."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True)
class Budget:
    """When to stop: after ``queries`` distinct evaluations and/or ``seconds`` of evaluation cost."""

    queries: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.queries is None and self.seconds is None:
            raise ConfigError("a search needs a budget: set --budget (evaluations) and/or --max-seconds")
        if self.queries is not None and self.queries < 1:
            raise ConfigError(f"--budget must be at least 1 evaluation, got {self.queries}")
        if self.seconds is not None and not self.seconds > 0:
            raise ConfigError(f"--max-seconds must be positive, got {self.seconds}")

    def allows(self, started: int, spent: float) -> bool:
        return (self.queries is None or started < self.queries) and (self.seconds is None or spent < self.seconds)
