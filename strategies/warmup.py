"""Zero-cost warm-up: the first evaluations of a search go to the cells training-free proxies rank best.

Abdelfattah et al. ("Zero-Cost Proxies for Lightweight NAS", ICLR 2021) start searches from the
architectures a zero-cost proxy ranks highest instead of random ones. A random start spends its
first queries on average cells, and a predictor fit on average cells sees nothing of the region
that matters. A proxy-ranked start puts the first fit in that region. Proxies are
combined by their mean rank, since scales differ (millions of parameters, Zen's log-scores). One
proxy is rarely reliable on its own. On NB201 Zen alone has Spearman 0.31 against CIFAR-10
val accuracy and the parameter count 0.72, yet their mean rank places the optimum of each of the
three datasets among its top 100 of 15,625 cells (ranks 77, 83 and 20 for CIFAR-10, CIFAR-100 and
ImageNet16-120), and its top 8 cells include one within 0.25 points of the CIFAR-10 optimum.

The scores come from the ``zero-cost`` predictor, so a proxy is whatever it can score: the
benchmark table's stored proxies by default (NB201: ``params``, ``flops``, ``zen``).
"""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np
from scipy import stats

from ..engine.errors import ConfigError, UnsupportedError
from ..engine.types import Arch
from ..predictors.baselines import ZeroCostPredictor
from ..search_spaces.base import SearchSpace

ENUMERATE_LIMIT = 100_000  # spaces up to this size are ranked whole
DEFAULT_POOL = 10_000  # random samples ranked when the space is larger or infinite


def check_proxies(warmup: str | Sequence[str] | None, warmup_pool: int | None = None) -> list[str]:
    """``warmup`` as a list of proxy names (empty: no warm-up, random initial picks)."""
    if warmup is None:
        if warmup_pool is not None:
            raise ConfigError("option warmup_pool sizes the pool a zero-cost warm-up ranks; name the proxies too, "
                              "e.g. warmup: [params, zen]")
        return []
    names = [n.strip() for n in warmup.split(",")] if isinstance(warmup, str) else warmup  # "params,zen" too
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"option warmup takes proxy names such as [\"params\", \"zen\"] (or null for random "
                          f"initial picks), got {warmup!r}")
    return list(names)


class ZeroCostWarmup:
    """The ranking of a pool of architectures by the mean rank of several zero-cost proxies.

    The pool and its order are drawn from a generator of their own, seeded from the search's
    seed, so a resumed search rebuilds exactly the same ranking.
    """

    def __init__(self, space: SearchSpace, proxies: Sequence[str], seed: int, pool: int | None,
                 dataset: str, data_dir: str | os.PathLike | None) -> None:
        if pool is not None and (isinstance(pool, bool) or not isinstance(pool, int) or pool < 1):
            raise ConfigError(f"option warmup_pool must be a positive integer (or null: the whole space when it "
                              f"has at most {ENUMERATE_LIMIT:,} architectures), got {pool!r}")
        self.space, self.proxies, self.seed, self.pool = space, list(proxies), seed, pool
        try:
            self.scorers = [ZeroCostPredictor(space, proxy=name, dataset=dataset, data_dir=data_dir)
                            for name in self.proxies]
            for scorer in self.scorers:  # an unknown proxy fails now, in one line, not at the first ask
                scorer.predict([])
        except UnsupportedError as error:
            raise ConfigError(f"option warmup: {error}") from None
        self._ranked: list[Arch] | None = None

    def ranked(self) -> list[Arch]:
        """The pool, best first (built on first use: ranking NB201 whole takes about a second)."""
        if self._ranked is None:
            rng = np.random.default_rng([self.seed, 0x5EED])
            pool = self._pool(rng)
            score = np.mean([stats.rankdata(scorer.predict(pool)[0]) for scorer in self.scorers], axis=0)
            self._ranked = [pool[i] for i in np.lexsort((rng.random(len(pool)), -score))]
        return self._ranked

    def _pool(self, rng: np.random.Generator) -> list[Arch]:
        size = self.space.size
        if self.pool is None and size is not None and size <= ENUMERATE_LIMIT:
            return list(self.space.enumerate())
        wanted = self.pool or DEFAULT_POOL
        if size is not None:
            wanted = min(wanted, size)
        seen: dict[str, Arch] = {}
        for _ in range(20 * wanted):
            if len(seen) == wanted:
                break
            arch = self.space.sample(rng)
            seen.setdefault(self.space.hash(arch), arch)
        return list(seen.values())
