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

The scores come from the run context's scorers: the benchmark's stored proxies where it has
them (NB201: ``params``, ``flops``, ``zen``), else proxies computed on each network.
"""
from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from ..engine.context import RunContext, Scorer
from ..engine.data.datasets import reads_images
from ..engine.errors import ConfigError, RegistryError, UnsupportedError
from ..engine.evaluators.base import Evaluator
from ..engine.hooks import say_note
from ..engine.held_imports import imported
from ..engine.objectives import Objective
from ..engine.options import name_list
from ..engine.space_checks import enumerated
from ..engine.types import Arch
from ..search_spaces.base import NetworkSpace, SearchSpace, enumerable

ENUMERATE_LIMIT = 100_000  # spaces up to this size are ranked whole
DEFAULT_POOL = 10_000  # random samples ranked when the space is larger or infinite
COMPUTED_POOL_LIMIT = 2_000  # a proxy computed network by network ranks at most this many unasked
ADVISED_POOL = 200  # advised for computed proxies: params and zen on 100 macro-cnn networks took 35 s (2 CPUs)

log = logging.getLogger(__name__)


def benchmark_warmup(space: SearchSpace, context: RunContext) -> list[str]:
    """``warmup: true``: the stored proxies whose mean rank starts a search best on the run's benchmark."""
    benchmark = context.require_benchmark("warmup: true (the benchmark's own warm-up proxies)", space,
                                          lambda: _warmup_instead(space))
    if not benchmark.warmup_proxies:
        raise UnsupportedError(f"the {benchmark.name} benchmark recommends no warm-up proxies; name them, e.g. "
                               f"warmup: [{', '.join(benchmark.proxy_names(context.dataset)[:2]) or 'synflow'}]")
    return list(benchmark.warmup_proxies)


def _warmup_instead(space: SearchSpace) -> str:
    """What a warm-up on a space without a table can be: proxies computed on its networks, where it builds them (a
    space that builds none was told to name proxies, which it then could not compute either)."""
    if isinstance(space, NetworkSpace):  # 'warmup: [params, zen]' alone was refused next, ranking 10,000 networks
        return (f"compute proxies on a pool of at most {COMPUTED_POOL_LIMIT:,} of its networks instead, e.g. "
                f"--strategy-opt 'warmup=[params,zen]' --strategy-opt warmup_pool={ADVISED_POOL}")
    return ("it builds no networks to compute proxies on either: start at random (warmup: null), or derive it from "
            "NetworkSpace and define to_module, then name the proxies to compute, e.g. warmup: [params, zen]")


def other_objective(context: RunContext, said: bool = False) -> str | None:
    """The run's objectives where they are not the one warm-up proxies rank for (the benchmark task's own metric in
    its own direction, else the accuracy an evaluator optimises by default), else None: ranked for accuracy, a
    warm-up spent the first picks of a ``params_m:min`` search on NB201's largest cells (best 0.3163 M parameters
    after 20 evaluations, where a random start found 0.0733). ``said``: for the note, which also reads the
    evaluator's default objective where none is configured (a proxy evaluator's first proxy), and takes accuracy
    under the evaluator's default name as the task's (the train evaluator's val_accuracy on NDS, whose table's
    metric is test_accuracy); ``warmup: auto`` reads the configured ones alone, as stored runs resolved it."""
    objectives = context.objectives
    if not objectives and said and context.evaluator_objective is not None:
        objectives = (context.evaluator_objective,)
    if not objectives:  # the evaluator's default: a table's task metric on a lookup
        return None
    task = context.benchmark.find_task(context.dataset) if context.benchmark and context.dataset else None
    default = Objective(Evaluator.objective, Evaluator.minimize)
    own = [Objective(task.metric, task.minimize)] if task else [default]
    if said:
        own.append(default)
    return None if len(objectives) == 1 and objectives[0] in own else ", ".join(map(str, objectives))


def resolve_warmup(warmup: bool | str | Sequence[str] | None, space: SearchSpace,
                   context: RunContext) -> str | Sequence[str] | None:
    """``warmup`` as proxy names or None: ``true`` is the benchmark's own warm-up proxies, and
    ``"auto"`` the same on a run answered from a benchmark that names them and optimising its task's metric (else no
    warm-up)."""
    if warmup == "auto":
        return None if other_objective(context) is not None else _recommended(space, context)
    if warmup is True:
        return benchmark_warmup(space, context)
    return None if warmup is False else warmup


def note_objective(proxies: Sequence[str], context: RunContext) -> None:
    """Say where the run's other notes go (else to Python's logging) that a warm-up named for a run with
    another objective ranks its first picks for accuracy: kept, since the user asked for it."""
    other = other_objective(context, said=True)
    if other is None:
        return
    note = (f"the warm-up proxies ({', '.join(proxies)}) rank architectures for accuracy, not for {other}: its first "
            f"picks may be far from this objective's best (warmup: null starts at random)")
    say_note(context.on_note, note, log)


def _recommended(space: SearchSpace, context: RunContext) -> list[str] | None:
    """``warmup: auto``'s proxies: the benchmark's own on a run it answers, those it stores for the run's task."""
    recommended = list(context.benchmark.warmup_proxies if context.lookup and context.benchmark else ())
    if recommended and not reads_images(context.dataset):  # TNB101's default (zen, synflow) refused every
        stored = context.stored_proxies(space)  # task but class_scene, lacking synflow (computing it there
        # would build every cell's network)
        recommended = [name for name in recommended if name in stored]
    return recommended or None


def check_proxies(warmup: str | Sequence[str] | None, warmup_pool: int | None = None) -> list[str]:
    """``warmup`` as a list of proxy names (empty: no warm-up, random initial picks)."""
    if warmup is None:
        if warmup_pool is not None:
            raise ConfigError("option warmup_pool sizes the pool a zero-cost warm-up ranks; name the proxies too, "
                              "e.g. warmup: [params, zen]")
        return []
    names = name_list(warmup)  # "params,zen" too
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"option warmup takes proxy names such as [\"params\", \"zen\"] (or null for random "
                          f"initial picks), got {warmup!r}")
    return list(names)


class ZeroCostWarmup:
    """The ranking of a pool of architectures by the mean rank of several zero-cost proxies.

    The pool and its order are drawn from a generator of their own, seeded from the search's
    seed, so a resumed search rebuilds exactly the same ranking.
    """

    def __init__(self, space: SearchSpace, scorers: Sequence[Scorer], seed: int, pool: int | None) -> None:
        self.space, self.scorers, self.seed, self.pool = space, list(scorers), seed, pool
        self._ranked: list[Arch] | None = None

    @classmethod
    def from_context(cls, space: SearchSpace, proxies: Sequence[str], context: RunContext, seed: int,
                     pool: int | None) -> "ZeroCostWarmup":
        """The warm-up ranking by ``proxies`` as the run context scores them; an unknown one fails now."""
        try:
            scorers = [context.scorer(space, name) for name in proxies]
            for scorer in scorers:  # a proxy the table lacks for this task fails now, not at the first ask
                scorer([])
        except (UnsupportedError, RegistryError) as error:
            raise ConfigError(f"option warmup: {error}") from None
        computed = [name for name in proxies if name not in context.stored_proxies(space)]
        ranked = pool or (space.size if enumerable(space) and space.size <= ENUMERATE_LIMIT else DEFAULT_POOL)
        if computed and ranked > COMPUTED_POOL_LIMIT:
            stored = context.stored_proxies(space)
            raise ConfigError(f"option warmup: proxy '{computed[0]}' is not stored for {space.name} {context.dataset} "
                              f"({'stored: ' + ', '.join(stored) if stored else 'nothing is stored'}), and computing "
                              f"it would build {ranked:,} networks; set warmup_pool to at most "
                              f"{COMPUTED_POOL_LIMIT:,} or warm up with stored proxies")
        return cls(space, scorers, seed, pool)

    def ranked(self) -> list[Arch]:
        """The pool, best first (built on first use: ranking NB201 whole takes about a second)."""
        if self._ranked is None:
            rng = np.random.default_rng([self.seed, 0x5EED])
            pool = self._pool(rng)
            rankdata = imported("scipy.stats").rankdata
            score = np.mean([rankdata(_finite(scorer(pool))) for scorer in self.scorers], axis=0)
            self._ranked = [pool[i] for i in np.lexsort((rng.random(len(pool)), -score))]
        return self._ranked

    def _pool(self, rng: np.random.Generator) -> list[Arch]:
        size = self.space.size
        if self.pool is None and enumerable(self.space) and size <= ENUMERATE_LIMIT:
            return enumerated(self.space, "the zero-cost warm-up")
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


def _finite(scores: np.ndarray) -> np.ndarray:
    """Scores with undefined ones (NaN, infinite) below every defined one, so they rank last."""
    scores = np.asarray(scores, dtype=np.float64)
    finite = np.isfinite(scores)
    floor = np.min(scores[finite], initial=0.0) - 1.0
    return np.where(finite, scores, floor)
