"""BANANAS (White, Neiswanger & Savani, AAAI 2021): Bayesian optimisation with a neural predictor.

Each round mutates the best architectures evaluated so far into a pool of candidates, scores
the pool with the predictor and picks by an acquisition function. Mutating the incumbents is
the acquisition optimiser the paper found best: it keeps every candidate a few edits away from
what is known to work. The default acquisition is independent Thompson sampling over an
ensemble's (mean, std). The ``batch_size`` highest-scoring candidates are queued and evaluated
before the next refit (see :mod:`.guided` for the refit policy).

The pool's parents: by default mutant i is an edit of the (i mod ``num_parents``)-th best cell; the paper's code
(naszilla's ``get_candidates``, ``num_arches_to_mutate=1``) mutates its best cell ``pool_size`` times, then its next
best, and so on through its 5 best, until the pool holds ``pool_size`` new cells (``parent_order=best_first``). With
one parent the default pool is at most the best cell's unseen neighbours, and empty once they are evaluated: then
each ask refits and draws at random (README, "Strategies against their papers", measures both).
"""
from __future__ import annotations

from typing import Literal, Sequence

from ..engine.context import RunContext
from ..engine.options import NonNegativeFloat, PositiveInt, Seed
from .counts import BatchSize, Edits, InitCount, PoolSize, RandomCandidates
from ..engine.registry import register_strategy
from ..engine.types import Arch
from ..predictors.base import Predictor, checked_prediction
from ..search_spaces.base import SearchSpace
from .acquisition import ACQUISITIONS, acquisition_values
from .guided import REFIT_MODES, PredictorGuidedStrategy


@register_strategy("bananas")
class Bananas(PredictorGuidedStrategy):
    """Mutation pool around the incumbents, ranked by an acquisition function.

    Options: ``num_parents`` best architectures to mutate; ``pool_size`` mutants per round; each
    mutant is 1 to ``max_edits`` random edits away from its parent; ``random_candidates`` extra
    random samples in the pool; ``acquisition`` its|ucb|ei; ``beta`` UCB's exploration weight; ``parent_order``
    ``cycle`` (mutants taken from the parents in turn) or ``best_first`` (the paper's code: ``pool_size`` mutants of
    the best parent, then of the next, until ``pool_size`` are unseen).
    """

    default_predictor = "mlp"

    def __init__(self, space: SearchSpace, seed: Seed = 0, predictor: Predictor | None = None,
                 context: RunContext | None = None, acquisition: Literal[ACQUISITIONS] = "its",
                 num_init: InitCount = 10, batch_size: BatchSize = 5, refit_every: PositiveInt | None = None,
                 refit: Literal[REFIT_MODES] = "warm", num_parents: PositiveInt = 5, pool_size: PoolSize = 100,
                 max_edits: Edits = 2, random_candidates: RandomCandidates = 0, beta: NonNegativeFloat = 1.0,
                 warmup: str | Sequence[str] | None = None, warmup_pool: PoolSize | None = None,
                 parent_order: Literal["cycle", "best_first"] = "cycle") -> None:
        self.acquisition, self.num_parents, self.pool_size = acquisition, num_parents, pool_size
        self.parent_order = parent_order
        self.max_edits, self.random_candidates, self.beta = max_edits, random_candidates, float(beta)
        super().__init__(space, seed, predictor=predictor, context=context, num_init=num_init,
                         batch_size=batch_size, refit_every=refit_every, refit=refit, warmup=warmup,
                         warmup_pool=warmup_pool)

    def _rank_round(self, k: int) -> list[Arch]:
        pool = self._unseen(self._mutants() + self._random_unseen(self.random_candidates))
        if not pool:
            return []
        mean, std = checked_prediction(self.predictor, pool)
        values = acquisition_values(self.acquisition, mean, std, self.rng, self._best_score(), self.beta)
        order = sorted(range(len(pool)), key=lambda i: -values[i])  # stable: ties keep pool order
        return [pool[i] for i in order[:k]]

    def _mutants(self) -> list[Arch]:
        parents = self._best_observed(self.num_parents)
        if self.parent_order == "cycle":
            return [self._mutant(parents[i % len(parents)]) for i in range(self.pool_size)]
        pool: list[Arch] = []
        for parent in parents:  # best first: the next parent only where this one's tries left the pool short
            if len(pool) >= self.pool_size:
                break
            pool = self._unseen(pool + [self._mutant(parent) for _ in range(self.pool_size)])
        return pool

    def _mutant(self, parent: Arch) -> Arch:
        """``parent`` edited 1 to ``max_edits`` times."""
        arch = parent
        for _ in range(int(self.rng.integers(1, self.max_edits + 1))):
            arch = self.space.mutate(arch, self.rng)
        return arch
