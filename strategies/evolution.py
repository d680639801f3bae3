"""Regularized (aging) evolution (Real et al., AAAI 2019).

Keep a population of the most recent ``population_size`` evaluated architectures. Each child is a
mutation of the best of ``sample_size`` members drawn at random; when a child joins, the oldest
member leaves, whatever its score, which keeps the search from clinging to lucky early results.
"""
from __future__ import annotations

from collections import deque
from typing import Any

from typing import Annotated

from ..engine.errors import ConfigError
from ..engine.options import PositiveInt, Range
from ..engine.registry import register_strategy
from ..engine.types import Arch, Observation
from ..search_spaces.base import SearchSpace
from .base import Strategy


@register_strategy("evolution")
class RegularizedEvolution(Strategy):
    """Aging evolution with tournament selection."""

    def __init__(self, space: SearchSpace, seed: int = 0, population_size: Annotated[int, Range(2)] = 50,
                 sample_size: PositiveInt = 10) -> None:
        super().__init__(space, seed)
        if sample_size > population_size:
            raise ConfigError(f"evolution needs sample_size <= population_size, got {sample_size} and "
                              f"{population_size}")
        self.population_size, self.sample_size = population_size, sample_size
        self.population: deque[tuple[Arch, float]] = deque()
        self.asked_random = 0  # initial random members asked (told or not)

    def ask(self, n: int) -> list[Arch]:
        out = []
        for _ in range(n):
            if self.asked_random < self.population_size or not self.population:
                self.asked_random += 1
                out.append(self.space.sample(self.rng))
            else:
                picks = self.rng.choice(len(self.population), size=min(self.sample_size, len(self.population)),
                                        replace=False)
                parent = max((self.population[i] for i in sorted(picks)), key=lambda member: member[1])[0]
                out.append(self.space.mutate(parent, self.rng))
        return out

    def tell(self, observations: list[Observation]) -> None:
        for obs in observations:
            if obs.failed:
                continue  # a failed child never joins (nor pushes anyone out)
            self.population.append((obs.arch, obs.score))
            if len(self.population) > self.population_size:
                self.population.popleft()

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asked_random": self.asked_random,
                "population": [[self._dump(a), s] for a, s in self.population]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked_random = state["asked_random"]
        self.population = deque((self._load(a), s) for a, s in state["population"])
