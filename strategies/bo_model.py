"""The botorch pieces of :mod:`.bo`: the surrogate, the acquisition and where candidates come from.

Kept apart from the strategy so that the strategy reads as ask/tell bookkeeping and this file as
the modelling choices, each a botorch component: ``SingleTaskGP`` + ``Normalize`` +
``Standardize``, ``fit_gpytorch_mll``, the log-EI family of acquisitions, ``draw_sobol_samples``,
``optimize_acqf_mixed_alternating`` and ``optimize_acqf_discrete``.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..engine.devices import seed_torch
from ..engine.held_imports import imported
from ..engine.objectives import pareto_mask
from ..engine.types import Arch
from ..predictors.gp import import_botorch
from ..search_spaces.base import BoxSpace, SearchSpace

if TYPE_CHECKING:  # torch and botorch are imported on the first fit (import_botorch, with a Ctrl-C held)
    import torch
    from botorch.acquisition import AcquisitionFunction
    from botorch.models import SingleTaskGP
    from gpytorch.mlls import MarginalLogLikelihood

ELITES = 10  # best evaluated architectures whose mutations join a discrete candidate pool
MUTATIONS_PER_ELITE = 20
MAX_FIT_STEPS = 50
WARM_START_AT = 100
"""Model rows (observations and failures) from which a fit starts at the last fit's hyperparameters instead of
gpytorch's defaults, and takes at most :data:`MAX_WARM_FIT_STEPS`. From its defaults L-BFGS ran to MAX_FIT_STEPS at
every step, each step an exact n-point fit's n**3: a two-objective ask spent 11-14 s fitting at 500 points (NAGO
and NB201 alike). One new point moves the optimum little, so a few steps from the last fit's hyperparameters keep up
with it, the optimisation going on across asks. Below it a cold fit takes under a second and hyperparameters fitted
on a few points are a poor start, so short runs (the README's NAGO figures: 30 or fewer evaluations) fit as
before."""
MAX_WARM_FIT_STEPS = 10
Hyperparameters = dict[str, float | list[Any]]
"""A fitted GP's raw hyperparameters by parameter name, as ``tensor.tolist()`` gives them: plain (nested) lists of
floats, or a bare float for a scalar parameter (one objective's ``mean_module.raw_constant``; several objectives'
is a list, one per objective). JSON for the saved state, exact when read back."""
DISCRETE_BATCH = 256
"""Candidates scored per acquisition call over a discrete pool: botorch's default, 2,048, holds a joint
posterior over every baseline point per candidate at once, which grew a multi-objective run to 3 GB by
90 evaluations."""


def fit_model(x: np.ndarray, y: np.ndarray, noise: np.ndarray | None, bounds: torch.Tensor, seed: int,
              failed: int = 0, start: Hyperparameters | None = None) -> SingleTaskGP:
    """A GP per objective on (x, y), inputs scaled by ``bounds``, outcomes standardised, fitted by ML-II.

    ``noise`` is each point's measured variance per objective, NaN where it is unknown (None: unknown everywhere);
    the last ``failed`` rows are failed points placed at the worst value, whose noise is the loudest of the others'.
    Where some variances are known and some not, inferring one level for every point would throw the measured ones
    away, and botorch's fixed-noise GP takes no gaps: a first fit infers that homoskedastic level, and the model is
    then refitted with the measured variances where known and the inferred level where not.
    ``start`` (the last fit's :func:`hyperparameters`) is where each fit's optimiser starts, from
    :data:`WARM_START_AT` rows; a parameter it lacks (the inferred noise of a fixed-noise model's start) starts at
    its default.
    """
    start = start if len(y) >= WARM_START_AT else None
    noise = np.full(y.shape, np.nan) if noise is None else np.array(noise, dtype=np.float64)
    count = len(y) - failed
    unknown = np.isnan(noise[:count])
    if unknown.any() and not unknown.all():  # the failed points' made-up values stay out of the inferred level
        inferred = observation_noise(_fit(x[:count], y[:count], None, bounds, seed, start))[0]
        noise[:count] = np.where(unknown, inferred, noise[:count])
    noise[count:] = noise[:count].max(axis=0)  # NaN where every point's is unknown: then all are inferred
    return _fit(x, y, None if np.isnan(noise).any() else noise, bounds, seed, start)


def hyperparameters(model: SingleTaskGP) -> Hyperparameters:
    """The fitted model's raw hyperparameters, which the next fit starts from (see :data:`WARM_START_AT`); a
    non-finite one (a failed fit) is left out, to start from its default."""
    torch = imported("torch")

    return {name: value.detach().tolist() for name, value in model.named_parameters()
            if bool(torch.isfinite(value).all())}


def saved_hyperparameters(value: Any) -> Hyperparameters | None:
    """Hyperparameters read back from a saved state (None: none fitted yet); ValueError if they are not a mapping
    of names to finite numbers, nested in lists."""
    def finite(item: Any) -> bool:
        if isinstance(item, list):
            return all(finite(v) for v in item)
        return isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item)

    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(k, str) and finite(v) for k, v in value.items()):
        raise ValueError(f"hyperparameters is {value!r:.60}, not a mapping of names to numbers")
    return value


def observation_noise(model: SingleTaskGP) -> np.ndarray:
    """The model's noise variance per training point and objective, in the outcomes' own units (one row for all
    points when it is inferred)."""
    torch = imported("torch")

    width = model.outcome_transform.stdvs.shape[-1]
    standardised = model.likelihood.noise.detach().reshape(width, -1).T
    _, noise = model.outcome_transform.untransform(torch.zeros_like(standardised), standardised)
    return noise.numpy()


def _fit(x: np.ndarray, y: np.ndarray, noise: np.ndarray | None, bounds: torch.Tensor, seed: int,
         start: Hyperparameters | None = None) -> SingleTaskGP:
    """A fixed-noise GP where ``noise`` is given, else one inferring a homoskedastic noise level; its optimiser
    starts from ``start``'s values of the parameters it names with their shapes."""
    torch = imported("torch")
    fit_gpytorch_mll = imported("botorch.fit").fit_gpytorch_mll
    SingleTaskGP = imported("botorch.models").SingleTaskGP
    Normalize = imported("botorch.models.transforms.input").Normalize
    Standardize = imported("botorch.models.transforms.outcome").Standardize
    ExactMarginalLogLikelihood = imported("gpytorch.mlls").ExactMarginalLogLikelihood

    seed_torch(seed)
    train_x, train_y = torch.as_tensor(x, dtype=torch.float64), torch.as_tensor(y, dtype=torch.float64)
    train_yvar = None if noise is None else torch.as_tensor(noise, dtype=torch.float64).clamp_min(1e-6)
    model = SingleTaskGP(train_x, train_y, train_Yvar=train_yvar,
                         input_transform=Normalize(d=train_x.shape[-1], bounds=bounds),
                         outcome_transform=Standardize(m=train_y.shape[-1]))
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    warm = bool(start) and _warm_start(mll, start or {})
    # L-BFGS stops at MAX_FIT_STEPS: on one-hot inputs with one lengthscale per feature it can
    # otherwise take ~1,000 steps to settle hyperparameters that barely move the acquisition.
    fit_gpytorch_mll(mll, optimizer_kwargs={"options": {"maxiter": MAX_WARM_FIT_STEPS if warm else MAX_FIT_STEPS}})
    return model


def _warm_start(mll: MarginalLogLikelihood, start: Hyperparameters) -> bool:
    """Set the model's parameters to ``start``'s (those it names with their shapes) where the marginal likelihood
    (with the priors, the objective the fit maximises: botorch's own loss closure) is at least that of the defaults
    a cold fit starts from; else leave the defaults, for a full fit. A finite but degenerate start sits where the
    gradient vanishes and the few warm steps cannot leave it: length scales of 1e4 (a flat kernel, every point
    alike) stayed at 1e4 fit after fit. A start worse than the cold one is no head start, whatever made it so; a
    check of bounds would miss such a point, since the length scales' constraint has no upper bound. It costs two
    likelihood evaluations (Cholesky factorisations), a few per cent of a warm fit's ten steps with gradients."""
    torch = imported("torch")
    get_loss_closure = imported("botorch.optim.closures").get_loss_closure

    loss = get_loss_closure(mll)
    parameters = dict(mll.model.named_parameters())
    with torch.no_grad():
        defaults = {name: parameter.clone() for name, parameter in parameters.items()}
        cold = float(loss().sum())
        for name, parameter in parameters.items():
            value = torch.as_tensor(start.get(name, []), dtype=torch.float64)
            if value.shape == parameter.shape:
                parameter.copy_(value)
        warm = float(loss().sum())
        if warm <= cold:  # a loss: the negated likelihood
            return True
        for name, parameter in parameters.items():
            parameter.copy_(defaults[name])
    return False


def make_acquisition(model: SingleTaskGP, x: np.ndarray, y: np.ndarray, pending: np.ndarray | None,
                     reference_point: Sequence[float] | None, mc_samples: int, seed: int) -> AcquisitionFunction:
    """qLogNEI for one objective, qLogNEHVI for several (against the given reference point once an evaluation of
    ``y`` beats it, else one inferred from ``y``)."""
    torch = imported("torch")
    SobolQMCNormalSampler = imported("botorch.sampling").SobolQMCNormalSampler

    baseline = torch.as_tensor(x, dtype=torch.float64)
    x_pending = None if pending is None or len(pending) == 0 else torch.as_tensor(pending, dtype=torch.float64)
    sampler = SobolQMCNormalSampler(sample_shape=torch.Size([mc_samples]), seed=seed)
    if y.shape[1] == 1:
        qLogNoisyExpectedImprovement = imported("botorch.acquisition.logei").qLogNoisyExpectedImprovement

        return qLogNoisyExpectedImprovement(model, X_baseline=baseline, X_pending=x_pending, sampler=sampler,
                                            prune_baseline=True)
    qLogNoisyExpectedHypervolumeImprovement = imported(
        "botorch.acquisition.multi_objective.logei").qLogNoisyExpectedHypervolumeImprovement
    infer_reference_point = imported("botorch.utils.multi_objective.hypervolume").infer_reference_point
    is_non_dominated = imported("botorch.utils.multi_objective.pareto").is_non_dominated

    # gpytorch builds sparse tensors inside the hypervolume computation; choosing torch's default
    # (no invariant checks) explicitly keeps torch from warning about it on every call.
    torch.sparse.check_sparse_tensor_invariants.disable()
    values = torch.as_tensor(y, dtype=torch.float64)
    # A little below the worst of the current front, as botorch recommends; a user's point is used as given once
    # an evaluation beats it in every objective. Until then every candidate's hypervolume improvement over it is 0,
    # and the optimiser returned one fixed point, evaluated again and again: botorch's own recipe for that case
    # (``max_ref_point``, as Ax uses for objective thresholds) takes the front's nadir, capped by the user's point.
    ref = infer_reference_point(values[is_non_dominated(values)], max_ref_point=None if reference_point is None
                                else torch.as_tensor(reference_point, dtype=torch.float64))
    # Baseline pruning (botorch's default) keeps only the points that may be on the front: scoring a
    # 1,200-candidate NB201 pool then takes 2.3 s instead of 5 s at 175 evaluations, as every
    # candidate's joint posterior spans the pruned baseline instead of all of it.
    return qLogNoisyExpectedHypervolumeImprovement(model, ref_point=ref.tolist(), X_baseline=baseline,
                                                   X_pending=x_pending, sampler=sampler, prune_baseline=True)


class Proposer:
    """Turns architectures into model inputs and acquisition optima back into architectures."""

    def __init__(self, space: SearchSpace, encoding: str | None, pool_size: int, num_restarts: int,
                 raw_samples: int) -> None:
        self.space, self.encoding = space, encoding
        self.pool_size, self.num_restarts, self.raw_samples = pool_size, num_restarts, raw_samples
        self.box = isinstance(space, BoxSpace)

    def features(self, archs: Sequence[Arch]) -> np.ndarray:
        if self.box:
            return np.stack([self.space.to_box(a) for a in archs]).astype(np.float64)
        return self.space.encode_many(archs, self.encoding).astype(np.float64)

    def bounds(self, x: np.ndarray) -> torch.Tensor:
        """The box's own bounds; for an encoding, [0, 1] per feature widened to what ``x`` holds."""
        torch = imported("torch")

        if self.box:
            dims = self.space.dimensions
            return torch.tensor([[d.low for d in dims], [d.high for d in dims]], dtype=torch.float64)
        low, high = np.minimum(x.min(axis=0), 0.0), np.maximum(x.max(axis=0), 1.0)
        return torch.as_tensor(np.stack([low, high]), dtype=torch.float64)

    def initial(self, index: int, seed: int, rng: np.random.Generator) -> Arch:
        """The ``index``-th point of the initial design: scrambled Sobol in a box, else a random draw. The sequence
        is fast-forwarded to the point, which is the ``index``-th of botorch's ``draw_sobol_samples`` of the whole
        design: drawing the whole design at every ask made the initial phase quadratic in ``num_init`` (10**6 points
        took 0.56 s and 460 MB an ask)."""
        if not self.box:
            return self.space.sample(rng)
        import_botorch()  # its first import, with a Ctrl-C held
        torch = imported("torch")
        unnormalize = imported("botorch.utils.transforms").unnormalize
        SobolEngine = imported("torch.quasirandom").SobolEngine

        # Integer coordinates span half a step beyond each end, so rounding gives every value an equal share.
        half = torch.tensor([0.5 if d.integer else 0.0 for d in self.space.dimensions], dtype=torch.float64)
        bounds = self.bounds(np.zeros((0, 0))) + torch.stack([-half, half])
        sobol = SobolEngine(bounds.shape[-1], scramble=True, seed=seed)
        sobol.fast_forward(index)
        point = unnormalize(sobol.draw(1, dtype=torch.float64), bounds, update_constant_bounds=False)[0]
        return self.space.from_box(point.tolist())

    def candidates(self, known: set[str], evaluated: list[Arch], y: np.ndarray,
                   rng: np.random.Generator) -> list[Arch] | None:
        """The pool of unseen architectures the acquisition scores (:meth:`_pool`), or None for a box, searched
        directly. Drawn before the GP is fitted, so that an empty pool (every architecture of a small space known)
        costs no fit: the fit takes no draw from ``rng``, so the proposals are those of a pool drawn after it."""
        return None if self.box else self._pool(known, evaluated, y, rng)

    def propose(self, acquisition: AcquisitionFunction, q: int, pool: list[Arch] | None,
                rng: np.random.Generator, seed: int) -> list[Arch]:
        """``q`` proposals: the acquisition's optima in the box, or its best of a non-empty ``pool``."""
        seed_torch(seed)
        if pool is None:
            return self._propose_in_box(acquisition, q)
        return self._propose_from_pool(acquisition, q, pool, rng)

    def _propose_in_box(self, acquisition: AcquisitionFunction, q: int) -> list[Arch]:
        optimize_acqf_mixed_alternating = imported("botorch.optim.optimize_mixed").optimize_acqf_mixed_alternating

        dims = self.space.dimensions
        discrete = {i: [float(v) for v in range(int(d.low), int(d.high) + 1)] for i, d in enumerate(dims)
                    if d.integer}
        candidates, _ = optimize_acqf_mixed_alternating(acquisition, bounds=self.bounds(np.zeros((0, 0))),
                                                        discrete_dims=discrete, q=q,
                                                        num_restarts=self.num_restarts,
                                                        raw_samples=self.raw_samples)
        return [self.space.from_box(row.tolist()) for row in candidates]

    def _propose_from_pool(self, acquisition: AcquisitionFunction, q: int, pool: list[Arch],
                           rng: np.random.Generator) -> list[Arch]:
        torch = imported("torch")
        optimize_acqf_discrete = imported("botorch.optim").optimize_acqf_discrete

        choices = torch.as_tensor(self.features(pool), dtype=torch.float64)
        chosen, _ = optimize_acqf_discrete(acquisition, q=min(q, len(pool)), choices=choices, unique=True,
                                           max_batch_size=DISCRETE_BATCH)
        by_row = {tuple(row.tolist()): arch for row, arch in zip(choices, pool)}
        out = [by_row[tuple(row.tolist())] for row in chosen]
        return out + [self.space.sample(rng) for _ in range(q - len(out))]

    def _pool(self, known: set[str], evaluated: list[Arch], y: np.ndarray, rng: np.random.Generator) -> list[Arch]:
        """Fresh draws plus mutations of the best evaluated architectures, none known.

        The best are the first objective's top ones, or with several objectives the Pareto front's
        members (the first objective's best of them when there are more than ``ELITES``).
        """
        order = np.argsort(-y[:, 0], kind="stable")
        if y.shape[1] > 1:
            on_front = pareto_mask(y)
            order = order[on_front[order]]
        order = order[:ELITES]
        drawn = [self.space.sample(rng) for _ in range(self.pool_size)]
        drawn += [self.space.mutate(evaluated[i], rng) for i in order for _ in range(MUTATIONS_PER_ELITE)]
        pool, seen = [], set(known)
        for arch in drawn:
            text = self.space.format(arch)
            if text not in seen:
                seen.add(text)
                pool.append(arch)
        return pool
