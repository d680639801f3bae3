"""The statistics of a study: anytime curves, queries to a target, ranks and paired tests.

Everything is computed from each run's sequence of objective values (higher is better, as the
strategy saw them; NaN for a failed evaluation) with scipy: t confidence intervals
(``scipy.stats.t``) or bootstrap ones (``scipy.stats.bootstrap``), ranks (``rankdata``), and the
Wilcoxon signed-rank test (``wilcoxon``) between methods on the same seeds. Holm's step-down
correction is the one formula written here: scipy offers only false-discovery-rate control.

scipy.stats is imported where a statistic needs it: loading it takes some 0.6 s of CPU, which every process that
imported this module for :func:`best_so_far` or :func:`queries_to_target` alone paid (each worker of a benchmark
script's ``--jobs``, each a fresh interpreter that imports the script again).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np

from .held_imports import imported


def best_so_far(scores: Sequence[float], budget: int) -> np.ndarray:
    """The best value after each of the first ``budget`` evaluations (NaN until one succeeds).

    A run that stopped early (a time budget, a finite space) keeps its final best to ``budget``.
    """
    values = np.asarray(scores, dtype=np.float64)[:budget]
    curve = np.fmax.accumulate(values) if len(values) else np.full(0, np.nan)
    if len(curve) < budget:
        curve = np.concatenate([curve, np.full(budget - len(curve), curve[-1] if len(curve) else np.nan)])
    return curve


def mean_interval(samples: np.ndarray, method: str = "t", seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95 % interval over the first axis (seeds), per column, over the finite values of each column.

    A column with no finite value has no mean, and one with a single value no interval (NaN, never a warning:
    a seed with no success yet is a fact the report shows, not a numerical accident).
    """
    stats = imported("scipy.stats")

    samples = np.atleast_2d(np.asarray(samples, dtype=np.float64))
    finite = np.isfinite(samples)
    n = finite.sum(axis=0)
    mean, low, high = (np.full(samples.shape[1], np.nan) for _ in range(3))
    mean[n > 0] = np.nanmean(samples[:, n > 0], axis=0)
    if method == "bootstrap":
        for j in np.flatnonzero(n > 1):
            column = samples[:, j][finite[:, j]]
            if np.ptp(column) > 0:
                result = stats.bootstrap((column,), np.mean, confidence_level=0.95, n_resamples=2000,
                                         random_state=np.random.default_rng(seed), method="percentile")
                low[j], high[j] = result.confidence_interval
            else:
                low[j] = high[j] = column[0]
        return mean, low, high
    some = n > 1
    if some.any():
        half = stats.t.ppf(0.975, n[some] - 1) * np.asarray(stats.sem(samples[:, some], axis=0, nan_policy="omit"))
        low[some], high[some] = mean[some] - half, mean[some] + half
    return mean, low, high


class Spread(NamedTuple):
    """One value per seed summarised: its mean and 95 % interval over the ``have`` seeds with a finite value."""

    mean: float
    low: float
    high: float
    have: int


def spread(values: Sequence[float] | np.ndarray, method: str = "t") -> Spread:
    """The mean and 95 % interval (:func:`mean_interval`) of one value per seed, over the seeds with one."""
    column = np.asarray(values, dtype=np.float64).reshape(-1, 1)
    mean, low, high = (float(v[0]) for v in mean_interval(column, method))
    return Spread(mean, low, high, int(np.isfinite(column).sum()))


def area_under_curve(curve: np.ndarray) -> float:
    """The mean of a best-so-far curve over its queries: high when a method is good early and late.

    NaN when a query has no value yet (no success before it): the caller chooses the queries every run
    has a value at, rather than this silently starting each run's area at its own first success.
    """
    curve = np.asarray(curve, dtype=np.float64)
    return float(np.mean(curve)) if len(curve) and np.isfinite(curve).all() else math.nan


def queries_to_target(scores: Sequence[float], target: float, tolerance: float = 1e-9) -> float:
    """1-based number of evaluations until one reached ``target``; inf when none did (censored)."""
    for index, value in enumerate(scores):
        if value is not None and np.isfinite(value) and value >= target - tolerance:
            return float(index + 1)
    return math.inf


@dataclass(frozen=True)
class Censored:
    """Median and quartiles of queries-to-target over seeds, where ``inf`` means 'not within the budget'."""

    median: float
    q25: float
    q75: float
    reached: int
    runs: int

    def describe(self, budget: int) -> str:
        show = lambda v: f">{budget}" if math.isinf(v) else f"{v:.0f}"  # noqa: E731
        return f"{show(self.median)} [{show(self.q25)}–{show(self.q75)}]"


def censored_quantiles(values: Sequence[float]) -> Censored:
    """Order statistics survive censoring: runs that never reached the target sort last.

    The quartiles are the lower ones (each an observed run, never a midpoint): a midpoint between a run
    that reached the target and one that never did has no value, and the report's figure draws these same
    statistics. Below four runs the bracket is the runs' range: the lower upper quartile of two runs is the
    first one, and ``26 [26–26]`` hid a second run that never reached the target."""
    array = np.sort(np.asarray(values, dtype=np.float64))
    q25, median, q75 = np.quantile(array, [0.25, 0.5, 0.75], method="lower")
    if len(array) < 4:
        q25, q75 = array[0], array[-1]
    return Censored(float(median), float(q25), float(q75), int(np.isfinite(array).sum()), len(array))


def average_ranks(final: np.ndarray) -> np.ndarray:
    """Mean rank of each method (columns) over seeds (rows); rank 1 is the best, ties share."""
    stats = imported("scipy.stats")

    ranks = np.vstack([stats.rankdata(-row) for row in np.nan_to_num(final, nan=-np.inf)])
    return ranks.mean(axis=0)


@dataclass(frozen=True)
class PairedTest:
    """Method ``a`` against ``b`` on the same seeds at one budget."""

    a: str
    b: str
    mean_difference: float
    wins: int
    losses: int
    p_value: float
    p_holm: float
    effect: float
    """Matched-pairs rank-biserial correlation: +1 when ``a`` is better on every seed, -1 when worse."""
    pairs: int
    """Seeds on which both methods have a value: none, and there is nothing to test (p, p_holm and effect NaN)."""

    @property
    def significant(self) -> bool:
        return self.p_holm < 0.05


def rank_biserial(differences: np.ndarray) -> float:
    stats = imported("scipy.stats")

    nonzero = differences[differences != 0]
    if not len(nonzero):
        return 0.0
    ranks = stats.rankdata(np.abs(nonzero))
    return float((ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum())


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error), in the order given."""
    order = np.argsort(p_values)
    adjusted, running = np.empty(len(p_values)), 0.0
    for position, index in enumerate(order):
        running = max(running, (len(p_values) - position) * p_values[index])
        adjusted[index] = min(1.0, running)
    return adjusted.tolist()


def paired_tests(values: dict[str, np.ndarray]) -> list[PairedTest]:
    """Wilcoxon signed-rank tests between every pair of methods on their shared seeds, Holm-corrected."""
    stats = imported("scipy.stats")

    rows = []
    for a, b in itertools.combinations(values, 2):
        d = np.asarray(values[a], dtype=np.float64) - np.asarray(values[b], dtype=np.float64)
        d = d[np.isfinite(d)]
        if not len(d):  # no seed finished by both: no pair, where a p of 1 read as a test that found no difference
            rows.append((a, b, math.nan, 0, 0, math.nan, math.nan, 0))
            continue
        p = 1.0 if not np.any(d) else float(stats.wilcoxon(d).pvalue)
        rows.append((a, b, float(np.mean(d)), int((d > 0).sum()), int((d < 0).sum()), p, rank_biserial(d), len(d)))
    tested = [r for r in rows if r[7]]  # Holm's family is the pairs actually tested
    adjusted = dict(zip(((r[0], r[1]) for r in tested), holm([r[5] for r in tested]) if tested else []))
    return [PairedTest(a, b, mean, wins, losses, p, adjusted.get((a, b), math.nan), effect, pairs)
            for a, b, mean, wins, losses, p, effect, pairs in rows]
