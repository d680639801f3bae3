"""Regularized (aging) evolution (Real et al., AAAI 2019).

Keep a population of the most recent ``population_size`` evaluated architectures. Each child is a
mutation of the best of ``sample_size`` members drawn at random; when a child joins, the oldest
member leaves, whatever its score, which keeps the search from clinging to lucky early results.
The tournament draws ``sample_size`` distinct members; the paper's Algorithm 1 (and NASLib's and
NATS-Bench's code) draws with replacement. Kept, as recorded searches replay it: on NB201, 100
queries, 30 seeds, best validation without and with replacement: 91.18 and 91.16 (CIFAR-10), 72.70
and 72.76 (CIFAR-100) (README, "Strategies against their papers").

With several objectives (``--objectives``) the tournament ranks its sample as NSGA-II does: by
non-dominated front, then by crowding distance within a front, so parents spread along the
Pareto front instead of crowding one end of it; ageing is unchanged (``parents="tournament"``).
``parents="frontier"`` takes archai's scheme instead: after the random start, every child is a
mutation of a member of the Pareto front of everything evaluated so far, drawn uniformly. It is
the default with several objectives (``parents="auto"``): on NB201, accuracy against parameters
or FLOPs, 20 seeds, it reaches 0.51 and 0.49 of the true hypervolume above the median reference
by 100 queries where the crowded tournament reaches 0.37 and 0.39 and random search 0.35 and
0.40 (README). With one objective the front is the best architecture alone, and the tournament
stays the default.

With ``dedup`` (the default) a child the search already proposed is dropped and a new tournament
is drawn, up to ``DEDUP_TRIES`` times, as NNI's ``RegularizedEvolution(dedup=True)`` does. On a
table, the plain algorithm's population collapses onto a few cells whose neighbours are all
known, and it re-proposes them hundreds of thousands of times per 2,000 evaluations; each repeat
also joins the population as a copy. When every tournament fails (near the end of a small space
searched whole, the winners' neighbourhoods are all known), up to as many random draws follow
before a repeat is let through: without them a budget equal to TNB101-micro's 4,096 cells took
151,298 repeats and 5 minutes and stopped at 3,606. ``dedup=false`` keeps the paper's behaviour (repeats answered
from the store at no budget and joining the population).
"""
from __future__ import annotations

from collections import deque
from functools import partial
from typing import Any, Literal

import numpy as np

from ..engine.errors import ConfigError
from ..engine.objectives import pareto_mask
from ..engine.options import PositiveInt, Seed
from .counts import PoolSize, PopulationSize
from ..engine.registry import register_strategy
from ..engine.types import Arch, Observation
from ..search_spaces.base import SearchSpace
from .base import Strategy
from .saved_state import saved_count, saved_score, saved_scores

DEDUP_TRIES = 100
"""Tournaments drawn for one child before a repeat is let through (the loop answers it from the store)."""


@register_strategy("evolution")
class RegularizedEvolution(Strategy):
    """Aging evolution with tournament selection."""

    multi_objective = True
    random_start = "population_size"

    def __init__(self, space: SearchSpace, seed: Seed = 0, population_size: PopulationSize = 50,
                 sample_size: PoolSize = 10, dedup: bool = True,
                 parents: Literal["auto", "tournament", "frontier"] = "auto", num_objectives: PositiveInt = 1) -> None:
        super().__init__(space, seed)
        self.num_objectives = num_objectives
        if sample_size > population_size:
            raise ConfigError(f"evolution needs sample_size <= population_size, got {sample_size} and "
                              f"{population_size}; give sample_size={population_size} or less (a tournament draws its "
                              "sample from the population)")
        self.population_size, self.sample_size, self.dedup = population_size, sample_size, dedup
        self.parents = parents
        self._frontier = parents == "frontier" or (parents == "auto" and num_objectives > 1)
        self.front: list[tuple[Arch, str, list[float]]] = []  # non-dominated so far ("frontier" parents)
        # (arch, its text for the saved state, score or the list of scores): the state is saved after
        # every ask and tell, so each member is formatted once, when it joins.
        self.population: deque[tuple[Arch, str, Any]] = deque()
        self.asked_random = 0  # initial random members asked (told or not, but not dropped)
        self._random_keys: list[str] = []  # the last ask's random draws, which dropped() gives back to the count

    def ask(self, n: int) -> list[Arch]:
        out: list[Arch] = []
        batch: set[str] = set()  # this ask's children are not known to the loop yet
        self._random_keys = []
        for _ in range(n):
            drawn_at_random = self.asked_random < self.population_size or not self.population
            child, key = self._new_child(drawn_at_random, batch)
            self.asked_random += drawn_at_random
            if drawn_at_random:
                self._random_keys.append(key)
            batch.add(key)
            out.append(child)
        return out

    def dropped(self, archs: list[Arch]) -> None:
        """A dropped random draw no longer counts: the random start draws another in its place, where it was one
        member short, its tournaments starting after population_size - 1 random members."""
        for arch in archs:
            key = self.space.hash(arch)
            if key in self._random_keys:
                self._random_keys.remove(key)
                self.asked_random -= 1

    def _new_child(self, drawn_at_random: bool, batch: set[str]) -> tuple[Arch, str]:
        """A child and its hash: with ``dedup``, one the search has not proposed if ``DEDUP_TRIES``
        tournaments, then as many random draws, find one (the winners' neighbourhoods may all be known)."""
        draw_random = partial(self.space.sample, self.rng)
        draws = [draw_random] if drawn_at_random else [self._mutant, draw_random]
        for draw in draws if self.dedup else draws[:1]:
            for _ in range(DEDUP_TRIES if self.dedup else 1):
                child = draw()
                key = self.space.hash(child)
                if key not in batch and not self.is_known(child):
                    return child, key
        return child, key

    def _mutant(self) -> Arch:
        if self._frontier:
            return self.space.mutate(self.front[int(self.rng.integers(len(self.front)))][0], self.rng)
        picks = self.rng.choice(len(self.population), size=min(self.sample_size, len(self.population)),
                                replace=False)
        return self.space.mutate(self._winner([self.population[i] for i in sorted(picks)]), self.rng)

    def tell(self, observations: list[Observation]) -> None:
        for obs in observations:
            if obs.failed:
                continue  # a failed child never joins (nor pushes anyone out)
            score = obs.score if self.num_objectives == 1 else list(obs.scores)
            text = self._dump(obs.arch)
            self.population.append((obs.arch, text, score))
            if self._frontier:
                self._join_front(obs.arch, text, list(obs.scores))
            if len(self.population) > self.population_size:
                self.population.popleft()

    def _join_front(self, arch: Arch, text: str, scores: list[float]) -> None:
        members = self.front + [(arch, text, scores)]
        keep = pareto_mask(np.array([m[2] for m in members], dtype=np.float64))
        self.front = [m for m, kept in zip(members, keep) if kept]

    def _winner(self, sample: list[tuple[Arch, str, Any]]) -> Arch:
        if self.num_objectives == 1:
            return max(sample, key=lambda member: member[2])[0]
        return sample[int(np.argmax(crowded_order(np.array([s for _, _, s in sample], dtype=np.float64))))][0]

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "asked_random": self.asked_random,
                "population": [[text, s] for _, text, s in self.population],
                "front": [[text, s] for _, text, s in self.front]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked_random = saved_count(state["asked_random"], "asked_random")  # -7 drew seven more at random
        self.population = deque((self._load(text), text, self._saved_member_score(s))
                                for text, s in state["population"])
        self.front = [(self._load(text), text, saved_scores(s, self.num_objectives, "a front member's scores"))
                      for text, s in state.get("front", [])]

    def _saved_member_score(self, score: Any) -> Any:
        if self.num_objectives == 1:
            return saved_score(score, "a population member's score")
        return saved_scores(score, self.num_objectives, "a population member's scores")


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
