"""Acquisition functions over a predictor's (mean, std): which candidates deserve a real evaluation.

A predictor gives each candidate a predicted mean and a spread. Ranking by the mean alone
exploits; the spread says where the predictor is unsure, and the acquisition functions trade the
two off:

* ``its`` — independent Thompson sampling (BANANAS): one draw per candidate from
  N(mean, std), using the strategy's own generator so the draw is part of its resumable state.
  Candidates with the same prediction are ranked differently in every round, which spreads a
  batch without any explicit diversity term.
* ``ucb`` — upper confidence bound, mean + sqrt(beta) * std.
* ``ei`` — expected improvement over the best score observed so far, computed in log space
  (botorch's ``LogExpectedImprovement``: the same ranking as EI, without EI's underflow to 0
  far below the incumbent, which would leave most of a pool tied).

UCB and EI are botorch's analytic acquisition functions. They are evaluated on a tiny botorch
model whose posterior at "candidate i" is the predictor's independent normal for i; the candidate
index is the model's one input dimension (:mod:`.predicted_posterior`, imported when UCB or EI is first asked for:
listing the strategies, or a search with Thompson sampling, never waits for torch and botorch).
"""
from __future__ import annotations

import numpy as np

from ..engine.errors import ConfigError
from ..predictors.gp import import_botorch

ACQUISITIONS: tuple[str, ...] = ("its", "ucb", "ei")


def check_acquisition(name: str) -> str:
    """``name`` if it is a known acquisition function, else one line listing the choices."""
    if name not in ACQUISITIONS:
        raise ConfigError(f"unknown acquisition '{name}'; choose one of: {', '.join(ACQUISITIONS)}")
    return name


def acquisition_values(name: str, mean: np.ndarray, std: np.ndarray, rng: np.random.Generator,
                       best_observed: float | None = None, beta: float = 1.0) -> np.ndarray:
    """The acquisition value of each candidate (higher is better) for the named function.

    ``best_observed`` is the incumbent EI improves on (the best successful score so far);
    ``beta`` is UCB's exploration weight.
    """
    mean = np.asarray(mean, dtype=np.float64)
    std = np.maximum(np.asarray(std, dtype=np.float64), 0.0)
    if check_acquisition(name) == "its":
        return rng.normal(mean, std)
    import_botorch()  # its first import, with a Ctrl-C held
    from .predicted_posterior import analytic_values

    incumbent = float(np.max(mean)) if best_observed is None else float(best_observed)
    return analytic_values(name, mean, std, incumbent, beta)
