"""BANANAS (White, Neiswanger & Savani, AAAI 2021): Bayesian optimisation with a neural predictor.

Each round mutates the best architectures evaluated so far into a pool of candidates, scores
the pool with the predictor and picks by an acquisition function. Mutating the incumbents is
the acquisition optimiser the paper found best: it keeps every candidate a few edits away from
what is known to work. The default acquisition is independent Thompson sampling over an
ensemble's (mean, std). The ``batch_size`` highest-scoring candidates are queued and evaluated
before the next refit (see :mod:`.guided` for the refit policy).
"""
from __future__ import annotations

import os
from typing import Any, Sequence

from ..engine.errors import ConfigError
from ..engine.registry import register_strategy
from ..engine.types import Arch
from ..predictors.base import Predictor
from ..search_spaces.base import SearchSpace
from .acquisition import acquisition_values, check_acquisition
from .guided import PredictorGuidedStrategy, check_int


@register_strategy("bananas")
class Bananas(PredictorGuidedStrategy):
    """Mutation pool around the incumbents, ranked by an acquisition function.

    Options: ``num_parents`` best architectures to mutate; ``pool_size`` mutants per round; each
    mutant is 1 to ``max_edits`` random edits away from its parent; ``random_candidates`` extra
    random samples in the pool; ``acquisition`` its|ucb|ei; ``beta`` UCB's exploration weight.
    """

    default_predictor = "mlp"

    def __init__(self, space: SearchSpace, seed: int = 0, predictor: Predictor | None = None,
                 acquisition: str = "its", num_init: int = 10, batch_size: int = 5,
                 refit_every: int | None = None, refit: str = "warm", num_parents: int = 5, pool_size: int = 100,
                 max_edits: int = 2, random_candidates: int = 0, beta: float = 1.0,
                 warmup: str | Sequence[str] | None = None, warmup_pool: int | None = None,
                 dataset: str = "cifar10", data_dir: str | os.PathLike | None = None, **options: Any) -> None:
        self.acquisition = check_acquisition(acquisition)
        self.num_parents = check_int("num_parents", num_parents, 1)
        self.pool_size = check_int("pool_size", pool_size, 1)
        self.max_edits = check_int("max_edits", max_edits, 1)
        self.random_candidates = check_int("random_candidates", random_candidates, 0)
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
            raise ConfigError(f"option beta (UCB exploration weight) must be a number >= 0, got {beta!r}")
        self.beta = float(beta)
        super().__init__(space, seed, predictor=predictor, num_init=num_init, batch_size=batch_size,
                         refit_every=refit_every, refit=refit, warmup=warmup, warmup_pool=warmup_pool,
                         dataset=dataset, data_dir=data_dir)

    def _rank_round(self, k: int) -> list[Arch]:
        pool = self._unseen(self._mutants() + self._random_unseen(self.random_candidates))
        if not pool:
            return []
        mean, std = self.predictor.predict(pool)
        values = acquisition_values(self.acquisition, mean, std, self.rng, self._best_score(), self.beta)
        order = sorted(range(len(pool)), key=lambda i: -values[i])  # stable: ties keep pool order
        return [pool[i] for i in order[:k]]

    def _mutants(self) -> list[Arch]:
        parents = self._best_observed(self.num_parents)
        mutants = []
        for i in range(self.pool_size):
            arch = parents[i % len(parents)]
            for _ in range(int(self.rng.integers(1, self.max_edits + 1))):
                arch = self.space.mutate(arch, self.rng)
            mutants.append(arch)
        return mutants

    def config(self) -> dict[str, Any]:
        return {**super().config(), "acquisition": self.acquisition, "num_parents": self.num_parents,
                "pool_size": self.pool_size, "max_edits": self.max_edits,
                "random_candidates": self.random_candidates, "beta": self.beta}
