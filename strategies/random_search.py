"""Random search: the baseline every NAS method is measured against (Li & Talwalkar, 2019)."""
from __future__ import annotations

from ..engine.registry import register_strategy
from ..engine.types import Arch, Observation
from .base import Strategy


@register_strategy("random")
class RandomSearch(Strategy):
    """Draws architectures independently from the space's sampling distribution (any number of objectives).

    That distribution is the space's ``sample``, over its encodings: a network that several encodings compute (as
    NB201's cells do) is drawn that much more often, as NB201's and NASLib's random search draw it, and a space kept
    to a benchmark table draws the table's cells uniformly. A repeat is answered from the store and not counted, so a
    budget is that many distinct encodings (README, "Strategies against their papers")."""

    multi_objective = True

    def ask(self, n: int) -> list[Arch]:
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations: list[Observation]) -> None:
        """Random search learns nothing."""
