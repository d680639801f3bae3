"""Several networks per architecture: a generator point (NAGO) is judged by more than one draw.

A :class:`~...search_spaces.base.GeneratorSpace` point describes a distribution of networks, so
an evaluator asked for ``replicates=k`` builds draws ``0..k-1`` (:func:`..space_networks.build_network`, each with
its own initial weights) and reports the mean of every metric, its sample standard deviation (``<metric>_std``)
and ``replicates`` (the draws averaged); each draw's own value is kept too (``<metric>@<draw>``), so the
store holds every network's result. A draw that fails (an infinite proxy score) is left out of the mean and
counted in ``replicates_failed``; a spread from one surviving draw is unknown, NaN, not 0. The loop turns the
spread into observation noise for strategies that model it (``bo``), and an unknown one into none, so the
model infers the noise. On an ordinary network space the replicates differ in initial weights only.
"""
from __future__ import annotations

import math
from typing import Annotated, Mapping, Sequence

import numpy as np

from ..options import Range
from ..types import Result

Replicates = Annotated[int, Range(1, 1_000, high_for_new_runs=True)]
"""The ``replicates`` option of the proxy and train evaluators, a new run's bound as a strategy's counts are:
10**12 scored (or trained) the first architecture until interrupted, where a spread is read from a handful."""


def replicate_metric_names(names: Sequence[str], replicates: int) -> list[str]:
    """The metrics an evaluator reports with ``replicates`` draws, each draw's own value included: the README
    offers ``<metric>@<draw>`` as an objective, and leaving it out here refused ``--objectives synflow@0:max``."""
    if replicates == 1:
        return list(names)
    return [*names, *(f"{n}_std" for n in names), *(f"{n}@{d}" for n in names for d in range(replicates)),
            "replicates"]


def replicate_bookkeeping(names: Sequence[str], replicates: int) -> list[str]:
    """An evaluator's bookkeeping metrics (:meth:`.base.Evaluator.bookkeeping_metrics`) ``names`` as its results
    report them with ``replicates`` draws (their means, spreads and draws' values), with the count of draws averaged
    and of draws that failed (see :func:`combine`), which measure no architecture either."""
    if replicates == 1:
        return list(names)
    return [*replicate_metric_names(names, replicates), "replicates_failed"]


def combine(results: list[Result]) -> Result:
    """One result from the replicates' results: mean, spread and every draw's own value."""
    if len(results) == 1:
        return results[0]
    cost = sum(r.cost for r in results)
    estimated = any(r.cost_estimated for r in results)
    ok = [(draw, r) for draw, r in enumerate(results) if r.ok]
    if not ok:
        return Result.failed(f"all {len(results)} replicates failed; the first: {results[0].reason}", cost=cost,
                             cost_estimated=estimated)
    names = [n for n in ok[0][1].metrics if all(n in r.metrics for _, r in ok)]
    metrics: dict[str, float] = {}
    for name in names:
        values = np.array([r.metrics[name] for _, r in ok], dtype=np.float64)
        metrics[name] = float(values.mean())
        # One surviving draw measures no spread: 0.0 read as a noise-free point, which bo clamped to 1e-6.
        metrics[f"{name}_std"] = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        metrics.update({f"{name}@{draw}": float(r.metrics[name]) for draw, r in ok})
    metrics["replicates"] = float(len(ok))
    if len(ok) < len(results):  # otherwise a failed draw vanished from the mean, seen only as a smaller count
        metrics["replicates_failed"] = float(len(results) - len(ok))
    return Result(metrics=metrics, cost=cost, cost_estimated=estimated)


def pool_rate(metrics: Mapping[str, float], rate: str, seconds: str) -> dict[str, float]:
    """``metrics`` with ``rate`` set to the draws' work together over their time together.

    A rate's arithmetic mean overstates throughput: draws of 462 and 3,238 images/s (the first one
    paying torch's warm-up) averaged 1,850 images/s though the draws' mean ``seconds`` gave 809.
    """
    draws = [key.split("@", 1)[1] for key in metrics if key.startswith(f"{rate}@")]
    pairs = [(metrics[f"{rate}@{d}"], metrics.get(f"{seconds}@{d}", float("nan"))) for d in draws]
    pairs = [(r, s) for r, s in pairs if np.isfinite(r) and np.isfinite(s) and s > 0]
    pooled = dict(metrics)
    if pairs and rate in pooled:
        pooled[rate] = float(sum(r * s for r, s in pairs) / sum(s for _, s in pairs))
    return pooled
