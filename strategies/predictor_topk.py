"""Predictor top-k, the search loop of FLAN (Akhauri & Abdelfattah, ICML 2024).

Each round ranks candidates by the predictor's mean and queues the top ``batch_size``. A few
picks (``explore``, one per round by default) are unevaluated edits of the best cells so far
instead, those an ensemble is least sure of. These measure the choices the predictor would
never rank high next to where it matters, so its blind spots there get corrected. On NB201
(FLAN, 20 seeds) runs that found the optimum within 64 queries went from 10 with random edits to
19 with the most uncertain ones. A space
small enough to enumerate (``space.size <= enumerate_limit``, by default 100,000: NB201's 15,625
cells) is scored whole every round. The enumeration and its hashes are built once and reused.
Larger or infinite spaces get a pool of ``pool_size`` candidates instead: half random samples,
half mutations of the best architectures found so far; by default 5,000. A predictor that builds
each new candidate's network to rank it (a zero-cost proxy nothing stores) gets a pool of 500 by
default, also on a space it could enumerate: 5,000 took 2.5 minutes a round on
``examples/custom_space.py``, and scoring all of NB101 would build 30,001 networks before the
first guided pick.
"""
from __future__ import annotations

from typing import Any, Literal, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError
from ..engine.options import NonNegativeFloat, NonNegativeInt, PositiveInt, Seed
from .counts import BatchSize, EnumerateLimit, InitCount, PoolSize
from ..engine.registry import STRATEGIES, register_strategy
from ..engine.space_checks import enumerated
from ..engine.types import Arch
from ..predictors.base import Predictor, checked_prediction
from ..search_spaces.base import NeighbourhoodSpace, SearchSpace, enumerable
from .guided import REFIT_MODES, PredictorGuidedStrategy
from .saved_state import saved_count

EXPLORE_BY: tuple[str, ...] = ("auto", "std", "random")
ENUMERATE_LIMIT = 100_000
POOL_SIZE = 5000
POOL_SIZE_BUILDING = 500
"""The default pool when ranking a candidate builds its network (``Predictor.builds_networks``)."""


@register_strategy("predictor-topk")
class PredictorTopK(PredictorGuidedStrategy):
    """Top-k by predicted mean over the whole space (or a large pool), plus exploration picks.

    ``explore`` below 1 is the chance that each pick of a round is an exploration pick; an
    integer of 1 or more is a fixed number of them per round. An exploration pick is a random
    unseen neighbour of the ``local_parents`` best cells (``explore_near=True``, the default) or a
    random unseen candidate from anywhere (``explore_near=False``). ``local``
    picks per round are the predicted best among the unseen neighbours of the ``local_parents``
    best cells so far. A predictor that ranks a region well but misorders its very top can rank a
    near miss of the optimum below other cells of the space, and still rank it first among the
    incumbent's neighbours. ``explore_by`` picks the exploration edits: ``"std"`` the ones with
    the largest ensemble spread, ``"random"`` any at random; ``"auto"`` (default) is ``"std"`` for
    a predictor whose std is epistemic (``Predictor.epistemic_std``: FLAN, MLP ensemble, GP) and
    ``"random"`` otherwise (EmProx's neighbour spread took its runs from 98 to 141 median queries).
    ``warmup="auto"`` (default) starts from the cells the benchmark's stored proxies rank best when
    the run is answered from a benchmark that names them and optimises its task's metric (NB201: median 18 queries
    to the CIFAR-10 optimum against 45 from a random start; they rank for accuracy, so a ``params_m`` or latency
    search starts at random); ``warmup=null`` starts at random. ``pool_size`` and
    ``enumerate_limit`` left null mean 5,000 candidates a round and enumerating spaces up to 100,000,
    or a pool of 500 and no enumeration when the predictor builds each candidate's network.
    """

    default_predictor = "flan"

    def __init__(self, space: SearchSpace, seed: Seed = 0, predictor: Predictor | None = None,
                 context: RunContext | None = None, num_init: InitCount = 8, batch_size: BatchSize = 4,
                 refit_every: PositiveInt | None = None, refit: Literal[REFIT_MODES] = "warm",
                 explore: NonNegativeFloat = 1, enumerate_limit: EnumerateLimit | None = None,
                 pool_size: PoolSize | None = None, num_parents: PositiveInt = 10, local: NonNegativeInt = 0,
                 local_parents: PositiveInt = 2, explore_near: bool = True, explore_by: Literal[EXPLORE_BY] = "auto",
                 warmup: bool | str | Sequence[str] | None = "auto", warmup_pool: PoolSize | None = None) -> None:
        self.explore = self._check_explore(explore, batch_size)
        self.local, self.local_parents = local, local_parents
        self.explore_near, self.explore_by = explore_near, explore_by
        self.enumerate_limit, self.pool_size, self.num_parents = enumerate_limit, pool_size, num_parents
        super().__init__(space, seed, predictor=predictor, context=context, num_init=num_init,
                         batch_size=batch_size, refit_every=refit_every, refit=refit, warmup=warmup,
                         warmup_pool=warmup_pool)
        building = self.predictor.builds_networks  # resolved once and kept in the state: a resume ranks alike
        self._pool_size = pool_size or (POOL_SIZE_BUILDING if building else POOL_SIZE)
        self._enumerate_limit = (0 if building else ENUMERATE_LIMIT) if enumerate_limit is None else enumerate_limit
        self._all: list[Arch] | None = None  # the enumerated space, built on first use
        self._all_keys: list[str] = []
        self._tie_seed = seed  # with the round's number, the order of exact ties (:meth:`_ranking`)

    @staticmethod
    def _check_explore(explore: float, batch_size: Any) -> float:
        if explore >= 1 and (explore != int(explore) or (isinstance(batch_size, int) and explore >= batch_size)):
            raise ConfigError(f"option explore={explore!r} must be a whole number of picks below batch_size "
                              f"({batch_size}), or a fraction in [0, 1)")
        return float(explore)

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "pool_size": self._pool_size, "enumerate_limit": self._enumerate_limit}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        # a run stored before these were resolved ranked 5,000 candidates, or the whole space, whatever its predictor
        limit = ENUMERATE_LIMIT if self.enumerate_limit is None else self.enumerate_limit
        self._pool_size = saved_count(state.get("pool_size", self.pool_size or POOL_SIZE), "pool_size")
        self._enumerate_limit = saved_count(state.get("enumerate_limit", limit), "enumerate_limit")
        if self._pool_size == 0:
            raise ValueError("pool_size is 0: a round would rank no candidates")

    @property
    def enumerable(self) -> bool:
        return enumerable(self.space) and self.space.size <= self._enumerate_limit

    def _rank_round(self, k: int) -> list[Arch]:
        candidates = self._candidates()
        if not candidates:
            return []
        n_explore = self._exploration_count(k)
        n_local = min(self.local, k - n_explore)
        mean, std = checked_prediction(self.predictor, candidates)
        order = self._ranking(candidates, np.asarray(mean, dtype=np.float64))
        picks = self._distinct_functions(candidates, order, k - n_explore - n_local)
        taken = {self.space.hash(a) for a in picks}
        if n_local:  # the predicted best next to the incumbents: a near miss of the optimum gets its turn
            near = {self.space.hash(a) for a in self._incumbent_neighbours()} - taken
            for i in order:
                if len(picks) == k - n_explore:
                    break
                if self.space.hash(candidates[i]) in near:
                    picks.append(candidates[i])
                    taken.add(self.space.hash(candidates[i]))
        if n_explore:
            picks += self._exploration_picks(candidates, np.asarray(std, dtype=np.float64), taken, n_explore)
        return picks

    def _ranking(self, candidates: list[Arch], mean: np.ndarray) -> np.ndarray:
        """Indices of ``candidates``, best predicted ``mean`` first; exact ties of different functions at random.

        A predictor fitted on targets all equal (every first result a diverged 10%) predicts one constant: ranked in
        enumeration order, every round then took the first cells listed, NB201's ``none``-heavy ones. The order of
        such ties is drawn per function from a generator of the seed and the round, so ``self.rng``'s stream, and
        every ranking without ties, is as before; equivalent cells (tied by a predictor that reads them through
        ``space.canonical``) share a draw and keep their listed order, so the first listed still stands for them.
        """
        _, group, counts = np.unique(mean, return_inverse=True, return_counts=True)
        tied = np.flatnonzero(counts[group] > 1)
        if not len(tied):
            return np.argsort(-mean, kind="stable")
        functions = [self.space.functional_hash(candidates[i]) for i in tied]
        distinct = list(dict.fromkeys(functions))
        draw = dict(zip(distinct, np.random.default_rng([self._tie_seed, self.rounds]).random(len(distinct))))
        key = np.zeros(len(candidates))
        key[tied] = [draw[f] for f in functions]
        return np.lexsort((key, -mean))

    def _exploration_picks(self, candidates: list[Arch], candidate_std: np.ndarray, taken: set[str],
                           count: int) -> list[Arch]:
        """``count`` unseen picks among the incumbents' neighbours (``explore_near``), else any candidates.

        The predictor cannot rank what its training data never varied: if every good cell seen so
        far shares one choice (NB201: a 1x1 convolution on the input-output edge), every ranked
        pick keeps it. An edit of an incumbent tries the other choices where they matter, next to
        the best cells, and one good result there redirects the whole ranking. With
        ``explore_by="std"`` the edits taken are those the ensemble members disagree on most: the
        members agree where the data pins a choice down and drift apart on choices it never
        tested, so these are the edits whose outcome the predictor cannot tell. Their std is the
        one the round's ranking already predicted (``candidate_std``); only pool members outside
        the candidates (a pooled space's neighbours) are predicted again.
        """
        pool = [a for a in self._incumbent_neighbours() if self.space.hash(a) not in taken] if self.explore_near else []
        if len(pool) < count:
            pool += [a for a in candidates if self.space.hash(a) not in taken]
        pool = self._unseen(pool)
        if not pool:
            return []
        if self.exploration_mode == "std":  # ties (a predictor without spread: all of them) go at random
            std = self._std_of(pool, candidates, candidate_std)
            return [pool[j] for j in np.lexsort((self.rng.random(len(pool)), -np.asarray(std)))[:count]]
        return [pool[j] for j in self.rng.choice(len(pool), size=min(count, len(pool)), replace=False)]

    def _std_of(self, pool: list[Arch], candidates: list[Arch], candidate_std: np.ndarray) -> np.ndarray:
        """The predicted std of ``pool``, read from the ranking's prediction where it has it."""
        known = {self.space.hash(a): s for a, s in zip(candidates, candidate_std)}
        missing = [a for a in pool if self.space.hash(a) not in known]
        if missing:
            known.update(zip(map(self.space.hash, missing), checked_prediction(self.predictor, missing)[1]))
        return np.array([known[self.space.hash(a)] for a in pool], dtype=np.float64)

    @property
    def exploration_mode(self) -> str:
        """``explore_by`` with ``"auto"`` resolved for the predictor in use."""
        if self.explore_by != "auto":
            return self.explore_by
        return "std" if self.predictor.epistemic_std else "random"

    def _distinct_functions(self, candidates: list[Arch], order: np.ndarray, count: int) -> list[Arch]:
        """The ``count`` best-ranked candidates, at most one per function and none equivalent to one seen.

        A predictor that reads cells through ``space.canonical`` scores equivalent cells alike,
        so a plain top-k would spend a round on copies of one function; another copy of a
        function already measured teaches little. Copies fill up only when nothing else is left.
        """
        covered = {self.space.functional_hash(a) for a, _ in self.observed.values()}
        covered |= {self.space.functional_hash(a) for a in self.pending.values()}
        picks: list[int] = []
        for i in order:
            if len(picks) == count:
                break
            function = self.space.functional_hash(candidates[i])
            if function not in covered:
                covered.add(function)
                picks.append(int(i))
        chosen = set(picks)
        picks += [int(i) for i in order if int(i) not in chosen][:count - len(picks)]
        return [candidates[i] for i in picks]

    def _incumbent_neighbours(self) -> list[Arch]:
        """Unseen architectures one edit from the ``local_parents`` best (mutants where a space has no neighbours)."""
        out: list[Arch] = []
        for parent in self._best_observed(self.local_parents):
            if isinstance(self.space, NeighbourhoodSpace):
                out += self.space.neighbours(parent)
            else:
                out += [self.space.mutate(parent, self.rng) for _ in range(self.batch_size * 10)]
        return self._unseen(out)

    def _exploration_count(self, k: int) -> int:
        if self.explore >= 1:
            return min(int(self.explore), k - 1)
        return int((self.rng.random(k) < self.explore).sum()) if self.explore > 0 else 0

    def _candidates(self) -> list[Arch]:
        """Every unseen architecture (enumerable spaces) or a sampled + mutated pool of unseen ones."""
        if self.enumerable:
            if self._all is None:
                self._all = enumerated(self.space, f"strategy {STRATEGIES.label(self)}")
                self._all_keys = [self.space.hash(a) for a in self._all]
            return [a for a, key in zip(self._all, self._all_keys) if not self._seen(key)]
        parents = self._best_observed(self.num_parents)
        mutants = [self.space.mutate(parents[i % len(parents)], self.rng) for i in range(self._pool_size // 2)]
        return self._unseen(mutants + self._random_unseen(self._pool_size - len(mutants)))
