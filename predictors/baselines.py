"""Baselines every learned predictor must beat: a random ranking and a zero-cost proxy ranking."""
from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from ..engine.context import RunContext, Scorer
from ..engine.errors import ConfigError
from ..engine.held_imports import imported
from ..engine.options import Seed
from ..engine.registry import register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor
from .features import note_without_table


@register_predictor("random")
class RandomPredictor(Predictor):
    """Scores each architecture with a seeded pseudo-random number: the chance-level reference.

    The score depends only on (seed, architecture), not on call order, so rankings repeat.
    """

    state_free_options = ("seed",)  # its state is the data it refits on
    _scale: float = 1.0  # before any fit, scores spread uniformly over [-0.5, 0.5]; fit moves them onto the targets
    _centre: float = 0.0

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        self._scale = float(np.std(y)) or 1.0
        self._centre = float(np.mean(y))

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        u = np.array([self._uniform(a) for a in archs])
        return self._centre + self._scale * (u - 0.5), np.full(len(u), self._scale)

    def _uniform(self, arch: Arch) -> float:
        digest = hashlib.blake2b(f"{self.seed}:{self.space.hash(arch)}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "little") / 2.0**64


DEFAULT_PROXY = "zen"


def default_proxy(space: SearchSpace, context: RunContext) -> str:
    """The proxy zero-cost ranks by when none is named: Zen, unless it would be computed while the benchmark
    stores the proxy it names as ranking its table best (``ranking_proxy``), read in its place. NB301 stores no
    Zen for CIFAR-10, so ranking its cells built every DARTS network to score it (12.8 s each on one CPU thread
    here)."""
    if not context.computes(space, DEFAULT_PROXY):
        return DEFAULT_PROXY
    best = context.benchmark.ranking_proxy if context.benchmark is not None else None
    stored = best is not None and best in context.stored_proxies(space) and not context.computes(space, best)
    return best if stored and best not in context.partial_proxies() else DEFAULT_PROXY


TIE_BREAK = 1e-6
"""How far, in stds, the proxy's order moves a zero-cost prediction fitted without a spread off the targets' mean:
enough to keep the order in float64, too little to read as a difference of targets."""


@register_predictor("zero-cost")
class ZeroCostPredictor(Predictor):
    """Ranks by a zero-cost proxy score: training-free, so it predicts before any fit.

    ``scorer`` maps architectures to scores; by default the run context scores ``proxy`` (by default
    Zen, or the benchmark's ``ranking_proxy`` where it stores that and not Zen: :func:`default_proxy`):
    the benchmark's stored scores where it has them (NB201 ships Zen for every cell), else scores
    computed on each network. Undefined scores rank last. ``fit`` moves the scores onto the target's
    mean and spread, so means are in target units, keeping the proxy's order unless the training
    cells show, significantly (Kendall tau < 0 at p < 0.05), that the target falls as the proxy
    rises: a minimised objective (latency) against a size proxy. A least-squares slope took its
    sign from noise and reversed the ranking on one 8-cell NB201 draw in five. Where the cells give
    no spread (one cell, targets or scores all alike) it predicts the targets' mean, the proxy's
    order kept as a tie-break only, with a std as wide as what is known of the targets.
    """

    state_free_options = ("seed", "proxy", "scorer")  # its state is the data it refits on

    def __init__(self, space: SearchSpace, seed: Seed = 0, context: RunContext | None = None,
                 proxy: str | None = None, scorer: Scorer | None = None) -> None:
        super().__init__(space, seed)
        context = context or RunContext()
        if proxy is None:
            proxy = DEFAULT_PROXY if scorer is not None else default_proxy(space, context)
        self.proxy = proxy  # as resolved: config() rebuilds the same predictor
        partial = {} if scorer is not None or context.computes(space, proxy) else context.partial_proxies()
        if proxy in partial:  # ranking NB101 by Zen put the two thirds it lacks last: tau 0.08 at 40 cells
            complete = [p for p in context.stored_proxies(space) if p not in partial]
            (held, total), instead = partial[proxy], complete[0] if complete else "NAME"
            raise ConfigError(f"proxy '{proxy}' is stored for {held:,} of the {total:,} {space.name} cells only "
                              "(its source scored no more), so ranking by it would put the others last; choose one "
                              f"stored for every cell: --predictor-opt proxy={instead}"
                              + (f" ({', '.join(complete)})" if complete else ""))
        self.scorer = scorer  # the option as given: config() listed the context's internal scorer as if it were set
        self._scorer = scorer if scorer is not None else context.scorer(space, proxy)
        self.builds_networks = scorer is None and context.computes(space, proxy)
        self.computed_proxies = (proxy,) if self.builds_networks else ()
        if self.builds_networks:  # 17 s for 3 NB201 cells here, unsaid; read, under 1 ms
            note_without_table(f"zero-cost computes proxy '{proxy}' on each {space.name} network it ranks (up to "
                               "seconds a network on a CPU), where its benchmark may store it", space, context)
        self._slope, self._intercept = 1.0, 0.0  # before any fit: the raw scores
        self._std = self._reference = self._unit = 0.0

    def _scores(self, archs: Sequence[Arch]) -> np.ndarray:
        s = np.asarray(self._scorer(archs), dtype=np.float64)
        return np.where(np.isfinite(s), s, -np.inf)

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        s = self._scores(archs)
        finite = np.isfinite(s)
        scored = y[finite] if finite.any() else y
        self._intercept, self._std = float(np.mean(scored)), 0.0
        if finite.sum() >= 2 and np.ptp(s[finite]) > 0 and np.std(scored) > 0:
            tau, p_value = imported("scipy.stats").kendalltau(s[finite], scored)
            sign = -1.0 if tau < 0 and p_value < 0.05 else 1.0
            self._slope = sign * float(np.std(scored) / np.std(s[finite]))
            self._intercept -= self._slope * float(np.mean(s[finite]))
            return
        # No spread to map the scores onto: one cell, targets all alike, scores all alike. Moved by a slope of 1
        # onto the targets' mean, a one-cell fit on 78.45 predicted -81.5 and 12.7; with no slope the prediction
        # is the targets' mean, the proxy's order kept as a tie-break far below any target's precision, and a
        # std as wide as the targets' spread (else as the mean itself): how little the fit says.
        self._slope = 0.0  # from scratch: a refit that estimates no slope kept an earlier fit's mapping
        self._std = float(np.std(y)) or abs(self._intercept) or 1.0
        self._reference = float(np.mean(s[finite])) if finite.any() else 0.0
        self._unit = float(np.std(s[finite])) if finite.sum() >= 2 else 0.0
        self._unit = self._unit or abs(self._reference) or 1.0

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        s = self._scores(archs)
        finite = np.isfinite(s)
        if not self._slope:  # fitted without a spread (see _fit): the mean, ranked by a tie-break in (-1, 1)
            tie = np.where(finite, np.arctan((s - self._reference) / self._unit) * (2 / np.pi), -2.0)
            return self._intercept + TIE_BREAK * self._std * tie, np.full(len(s), self._std)
        mean = self._slope * np.where(finite, s, 0.0) + self._intercept
        # undefined scores rank last whichever way the proxy is read: below the lowest prediction
        mean[~finite] = np.min(mean[finite], initial=self._intercept) - abs(self._slope)
        return mean, np.zeros(len(mean))
