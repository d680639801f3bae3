"""Random search: the baseline every NAS method is measured against (Li & Talwalkar, 2019)."""
from __future__ import annotations

from ..engine.registry import register_strategy
from ..engine.types import Arch, Observation
from .base import Strategy


@register_strategy("random")
class RandomSearch(Strategy):
    """Draws architectures independently from the space's sampling distribution (any number of objectives)."""

    multi_objective = True

    def ask(self, n: int) -> list[Arch]:
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations: list[Observation]) -> None:
        """Random search learns nothing."""
