"""Gaussian-process predictor: botorch's ``SingleTaskGP`` on a vector encoding of the space.

A GP gives calibrated uncertainty from few points, which is what acquisition functions in
BANANAS-style search need early on. Everything model-related comes from botorch/gpytorch (the
default ``SingleTaskGP`` kernel and likelihood, ``Standardize`` outcomes, ``fit_gpytorch_mll``);
this module only encodes architectures and manages refits.

Refits after new results warm-start from the previous hyperparameters (``warm_start=True``): the
marginal-likelihood optimiser then needs few iterations, and the fit is a smooth continuation of
the previous one instead of a fresh, possibly different, local optimum.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..engine.errors import ConfigError
from ..engine.held_imports import imported
from ..engine.options import PositiveInt, Seed
from ..engine.registry import register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor, quiet_botorch, single_thread, vector_encoding
from .features import encoding_features
from .saved_state import pack_torch, unpack_torch
from .uninformed import target_scale

if TYPE_CHECKING:  # torch and botorch are imported on the first fit
    import torch
    from botorch.models import SingleTaskGP

PREDICT_BATCH = 256  # rows per posterior call; with LOVE variances this size was fastest (0.7 s for 15k cells)
SMALL_SPREAD = 1e-3
"""Targets spread less than this are divided by their spread before the GP reads them (and its mean and std
multiplied back): botorch's ``Standardize`` leaves a spread below 1e-8 unscaled, and gpytorch floors a posterior
variance at 1e-10 in the units it is given, so targets given as 1e-9 fractions got stds of 0.02-0.5 against their
spread of 6e-9. Larger spreads are read as before, so stored runs refit to the same models."""


def _target_unit(y: np.ndarray) -> float:
    """What the GP's targets are divided by: their spread when it is small (see :data:`SMALL_SPREAD`), else 1; for
    targets all equal, their size (:func:`~.uninformed.target_scale`), so that the prior's spread it gives away from
    them is in their scale as the other predictors' (``Standardize`` divides them by 1: accuracies of 85 all got stds
    of 0.06-0.9, fractions of 1e-9 stds of 1)."""
    spread = float(np.std(y))
    if spread == 0.0:
        return target_scale(y)
    return spread if spread < SMALL_SPREAD else 1.0


def import_botorch() -> None:
    """Import botorch/gpytorch on first use (they take seconds), silencing one import-time warning.

    linear_operator decorates functions with ``torch.jit.script``, which torch ≥ 2.10 deprecates
    with a warning naming torch, not anything our users can act on.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated", category=DeprecationWarning)
        imported("botorch")


@register_predictor("gp")
class GPPredictor(Predictor):
    """Exact GP regression (posterior mean and std in target units) on a vector encoding of the space.

    ``encoding`` is any vector encoding the space offers (default: its first, NB201's ``path``);
    ``max_iter`` caps the L-BFGS iterations of each marginal-likelihood fit; with ``warm_start`` an update (a
    search's refit on its new results) starts from the last fit's hyperparameters, where ``fit`` starts afresh.
    """

    epistemic_std = True
    state_free_options = ("seed", "warm_start", "max_iter")  # the encoding shapes the hyperparameters saved

    def __init__(self, space: SearchSpace, seed: Seed = 0, encoding: str | None = None, warm_start: bool = True,
                 max_iter: PositiveInt = 100) -> None:
        super().__init__(space, seed)
        self.encoding = vector_encoding("gp", space, encoding)
        self._features = encoding_features(space, self.encoding)
        self.warm_start, self.max_iter = warm_start, max_iter
        self._model = None
        self._low, self._scale = np.zeros(0), np.ones(0)
        self._unit = 1.0

    def _inputs(self, archs: Sequence[Arch]) -> torch.Tensor:
        torch = imported("torch")

        x = self._features(archs)
        # botorch expects inputs in the unit cube; path counts can exceed 1, so divide each column
        # by its largest value on the training set (set at each fit and update, so train and test agree).
        return torch.from_numpy(np.clip((x - self._low) / self._scale, 0.0, 1.0))

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        """From scratch, as ``fit`` promises: the input scale from these cells, hyperparameters from the priors."""
        self._scale_inputs(archs)
        self._train(archs, y, None)

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        """All the data so far, from the last fit's hyperparameters when ``warm_start``.

        The input scale is that of all the data too: kept from the first fit, a column whose values grew past it
        (an NB201 path count of 2 after a first fit on cells of 1s) was clipped for the rest of the search, reading
        those cells (up to 2.5 % of NB201's) as others. The lengthscales start stretched by the scale's change, so
        the warm start begins from the last fit's kernel on the raw features."""
        if self.warm_start and self._model is not None:
            hypers, before = self._hypers(), self._scale
            self._scale_inputs(self._archs)
            self._train(self._archs, self._y, hypers, before / self._scale)
        else:
            self._fit(self._archs, self._y)

    def _scale_inputs(self, archs: list[Arch]) -> None:
        """Each column's offset and scale into botorch's unit cube, from the features of ``archs``."""
        raw = self._features(archs)
        # a column going below 0 (a user's encoding: values centred on 0) starts from its lowest value, where the
        # clip to the cube read every negative value as 0 (digits encoded -1.5 and -0.5 were one input); columns of
        # values of 0 or more, every encoding nasloop's spaces have, are read as before
        self._low = np.minimum(raw.min(axis=0), 0.0)
        self._scale = np.maximum(raw.max(axis=0) - self._low, 1.0)

    def _train(self, archs: list[Arch], y: np.ndarray, previous: dict[str, Any] | None,
               stretch: np.ndarray | None = None) -> None:
        import_botorch()
        torch = imported("torch")
        fit_gpytorch_mll = imported("botorch.fit").fit_gpytorch_mll
        ExactMarginalLogLikelihood = imported("gpytorch.mlls").ExactMarginalLogLikelihood

        from ..engine.devices import seed_torch

        # fit fallbacks draw from the priors: keep that seeded and local
        with single_thread(), quiet_botorch(), torch.random.fork_rng(devices=[]):
            seed_torch(self.seed)
            model = self._build(archs, y, previous, stretch)
            # capped: the last iterations of a long L-BFGS run barely move the ranking, and a
            # search refits after every batch (reaching the cap is logged by botorch, not warned)
            fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model),
                             optimizer_kwargs={"options": {"maxiter": self.max_iter}})
        model.eval()
        self._model = model

    def _build(self, archs: list[Arch], y: np.ndarray, hypers: dict[str, Any] | None,
               stretch: np.ndarray | None = None) -> SingleTaskGP:
        """A SingleTaskGP on the data, optionally starting from earlier hyperparameters, their lengthscales times
        ``stretch`` (one factor per column)."""
        import_botorch()
        torch = imported("torch")
        SingleTaskGP = imported("botorch.models").SingleTaskGP
        Standardize = imported("botorch.models.transforms.outcome").Standardize

        self._unit = _target_unit(y)
        train_y = torch.from_numpy((y / self._unit).reshape(-1, 1).astype(np.float64))
        model = SingleTaskGP(self._inputs(archs), train_y, outcome_transform=Standardize(m=1))
        if hypers is not None:
            model.load_state_dict(hypers, strict=False)
        if stretch is not None and not np.all(stretch == 1.0):
            kernel = model.covar_module
            floor = float(kernel.raw_lengthscale_constraint.lower_bound) * 1.01  # the constraint's bound is open
            kernel.lengthscale = (kernel.lengthscale * torch.from_numpy(stretch)).clamp_min(floor)
        return model

    def _hypers(self) -> dict[str, Any]:
        """Kernel, mean and noise parameters; not the outcome transform, which belongs to the data."""
        return {k: v.clone() for k, v in self._model.state_dict().items() if not k.startswith("outcome_transform")}

    def state_dict(self) -> dict[str, Any]:
        """Data plus the fitted hyperparameters: a warm-started fit depends on its history, a refit would not."""
        state = super().state_dict()
        if self._model is not None:
            state["hypers"], state["scale"] = pack_torch(self._hypers()), self._scale.tolist()
            if self._low.any():  # a state of columns of 0 or more is written as before
                state["low"] = self._low.tolist()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if "hypers" not in state:
            return super().load_state_dict(state)
        self._restore_data(state)
        self._scale = np.asarray(state["scale"], dtype=np.float64)
        self._low = np.asarray(state.get("low", np.zeros(len(self._scale))), dtype=np.float64)
        self._model = self._build(self._archs, self._y, unpack_torch(state["hypers"]))
        self._model.eval()

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        gpytorch = imported("gpytorch")
        torch = imported("torch")

        if self._model is None:
            raise ConfigError("gp: predict called before fit; fit it on evaluated architectures first")
        if not archs:  # an encoding of nothing has no width to feed the model
            return np.zeros(0), np.zeros(0)
        x = self._inputs(archs)
        means, stds = [], []
        # LOVE (fast_pred_var) caches a low-rank factor once, so each batch's variances are cheap
        with torch.no_grad(), single_thread(), gpytorch.settings.fast_pred_var():
            for start in range(0, len(x), PREDICT_BATCH):
                posterior = self._model.posterior(x[start:start + PREDICT_BATCH])
                means.append(posterior.mean.reshape(-1))
                stds.append(posterior.variance.clamp_min(1e-12).sqrt().reshape(-1))
        if not means:
            return np.zeros(0), np.zeros(0)
        return torch.cat(means).numpy() * self._unit, torch.cat(stds).numpy() * self._unit
