"""The botorch side of :mod:`.acquisition`: UCB and EI, botorch's analytic acquisition functions, evaluated on a
tiny model whose posterior at "candidate i" is the predictor's independent normal for i.

A module of its own because it imports torch and botorch as it loads (its model subclasses botorch's): the
acquisition module, which every BANANAS strategy loads, imports it only when UCB or EI is first asked for.
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

_MIN_VARIANCE = 1e-9  # a zero-spread predictor (zero-cost) still gives a proper normal (gpytorch warns below 1e-10)


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


def analytic_values(name: str, mean: np.ndarray, std: np.ndarray, incumbent: float, beta: float) -> np.ndarray:
    """UCB's (``name`` 'ucb', exploration weight ``beta``) or log-EI's (over ``incumbent``) value of each candidate."""
    model = PredictedPosterior(mean, std)
    if name == "ucb":
        function = UpperConfidenceBound(model, beta=beta)
    else:
        function = LogExpectedImprovement(model, best_f=incumbent)
    with torch.no_grad():
        return function(model.candidates()).numpy().astype(np.float64)
