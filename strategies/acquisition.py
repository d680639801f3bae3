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
index is the model's one input dimension.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from botorch.acquisition.analytic import LogExpectedImprovement, UpperConfidenceBound
from botorch.models.model import Model
from botorch.posteriors.gpytorch import GPyTorchPosterior
from gpytorch.distributions import MultivariateNormal
from linear_operator.operators import DiagLinearOperator

from ..engine.errors import ConfigError

ACQUISITIONS: tuple[str, ...] = ("its", "ucb", "ei")
_MIN_VARIANCE = 1e-9  # a zero-spread predictor (zero-cost) still gives a proper normal (gpytorch warns below 1e-10)


def check_acquisition(name: str) -> str:
    """``name`` if it is a known acquisition function, else one line listing the choices."""
    if name not in ACQUISITIONS:
        raise ConfigError(f"unknown acquisition '{name}'; choose one of: {', '.join(ACQUISITIONS)}")
    return name


class PredictedPosterior(Model):
    """A botorch model that knows only the predictions for a fixed list of candidates.

    Input ``X[..., 0]`` is a candidate's index into ``mean``/``std``; the posterior is an
    independent normal per candidate, which is exactly what an ensemble or GP predictor reports.
    """

    _num_outputs = 1

    def __init__(self, mean: np.ndarray, std: np.ndarray) -> None:
        super().__init__()
        self._mean = torch.as_tensor(np.asarray(mean, dtype=np.float64))
        self._variance = torch.as_tensor(np.square(np.asarray(std, dtype=np.float64))).clamp_min(_MIN_VARIANCE)

    @property
    def num_outputs(self) -> int:
        return self._num_outputs

    def posterior(self, X: torch.Tensor, output_indices: list[int] | None = None,
                  observation_noise: bool | torch.Tensor = False, posterior_transform: Any = None,
                  ) -> GPyTorchPosterior:
        index = X[..., 0].long()  # (batch, q)
        return GPyTorchPosterior(MultivariateNormal(self._mean[index], DiagLinearOperator(self._variance[index])))

    def candidates(self) -> torch.Tensor:
        """The (n, q=1, d=1) input that asks the acquisition function about every candidate."""
        return torch.arange(len(self._mean), dtype=torch.float64).reshape(-1, 1, 1)


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
    model = PredictedPosterior(mean, std)
    if name == "ucb":
        function = UpperConfidenceBound(model, beta=beta)
    else:
        incumbent = float(np.max(mean)) if best_observed is None else float(best_observed)
        function = LogExpectedImprovement(model, best_f=incumbent)
    with torch.no_grad():
        return function(model.candidates()).numpy().astype(np.float64)
