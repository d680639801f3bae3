"""Regularized (aging) evolution (Real et al., AAAI 2019).

Keep a population of the most recent ``population_size`` evaluated architectures. Each child is a
mutation of the best of ``sample_size`` members drawn at random; when a child joins, the oldest
member leaves, whatever its score, which keeps the search from clinging to lucky early results.

With several objectives (``--objectives``) the tournament ranks its sample as NSGA-II does: by
non-dominated front, then by crowding distance within a front, so parents spread along the
Pareto front instead of crowding one end of it; ageing is unchanged.
"""
from __future__ import annotations

from collections import deque
from typing import Annotated, Any

import numpy as np

from ..engine.errors import ConfigError
from ..engine.objectives import pareto_mask
from ..engine.options import PositiveInt, Range
from ..engine.registry import register_strategy
from ..engine.types import Arch, Observation
from ..search_spaces.base import SearchSpace
from .base import Strategy


@register_strategy("evolution")
class RegularizedEvolution(Strategy):
    """Aging evolution with tournament selection."""

    multi_objective = True

    def __init__(self, space: SearchSpace, seed: int = 0, population_size: Annotated[int, Range(2)] = 50,
                 sample_size: PositiveInt = 10, num_objectives: PositiveInt = 1) -> None:
        super().__init__(space, seed)
        self.num_objectives = num_objectives
        if sample_size > population_size:
            raise ConfigError(f"evolution needs sample_size <= population_size, got {sample_size} and "
                              f"{population_size}")
        self.population_size, self.sample_size = population_size, sample_size
        self.population: deque[tuple[Arch, Any]] = deque()  # (arch, score, or the tuple of scores)
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
                parent = self._winner([self.population[i] for i in sorted(picks)])
                out.append(self.space.mutate(parent, self.rng))
        return out

    def tell(self, observations: list[Observation]) -> None:
        for obs in observations:
            if obs.failed:
                continue  # a failed child never joins (nor pushes anyone out)
            self.population.append((obs.arch, obs.score if self.num_objectives == 1 else list(obs.scores)))
            if len(self.population) > self.population_size:
                self.population.popleft()

    def _winner(self, sample: list[tuple[Arch, Any]]) -> Arch:
        if self.num_objectives == 1:
            return max(sample, key=lambda member: member[1])[0]
        return sample[int(np.argmax(crowded_order(np.array([s for _, s in sample], dtype=np.float64))))][0]

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asked_random": self.asked_random,
                "population": [[self._dump(a), s] for a, s in self.population]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked_random = state["asked_random"]
        self.population = deque((self._load(a), s) for a, s in state["population"])


def crowded_order(points: np.ndarray) -> np.ndarray:
    """NSGA-II's crowded comparison as one number per row of ``points`` (higher is better).

    Rows are peeled into non-dominated fronts (botorch's ``is_non_dominated``); within a front,
    a larger crowding distance (the sum over objectives of the gap between a point's two
    neighbours, normalised by the front's span; infinite at a front's ends) ranks higher.
    """
    n = len(points)
    front_of = np.zeros(n, dtype=int)
    left, level = np.arange(n), 0
    while len(left):
        mask = pareto_mask(points[left])
        front_of[left[mask]] = level
        left, level = left[~mask], level + 1
    crowding = np.zeros(n)
    for level in np.unique(front_of):
        members = np.flatnonzero(front_of == level)
        for objective in range(points.shape[1]):
            column = points[members, objective]
            order = members[np.argsort(column, kind="stable")]
            crowding[order[0]] = crowding[order[-1]] = np.inf
            span = column.max() - column.min()
            if span > 0 and len(order) > 2:
                values = points[order, objective]
                crowding[order[1:-1]] += (values[2:] - values[:-2]) / span
    # Fronts dominate: a worse front never wins however isolated its point; then crowding decides.
    finite = np.where(np.isinf(crowding), np.nan, crowding)
    top = np.nanmax(finite) + 1 if np.isfinite(finite).any() else 1.0
    return -front_of * (top + 2.0) + np.where(np.isinf(crowding), top, crowding)
