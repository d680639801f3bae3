"""Bayesian optimisation with botorch, as NAGO searches its generator's few hyperparameters.

Every piece is botorch's: a ``SingleTaskGP`` (inputs normalised to the unit cube, outcomes
standardised; each point's measured noise, the variance of its replicates' mean, as fixed
observation noise, and where a point has none, one draw, the level a homoskedastic fit infers),
fitted by marginal likelihood; ``qLogNoisyExpectedImprovement`` for one objective and
``qLogNoisyExpectedHypervolumeImprovement`` for several; points still being evaluated enter the
acquisition as pending, so a batch of ``n`` (the executor's free slots) is spread out.

Where the proposals come from depends on the space:

* a :class:`~..search_spaces.base.BoxSpace` (NAGO) is searched directly: a scrambled Sobol
  initial design in its box, then ``optimize_acqf_mixed_alternating`` with the integer
  coordinates as discrete dimensions;
* any other space with a vector encoding (NB201, NB101: ``onehot`` by default) is searched over
  a candidate pool with ``optimize_acqf_discrete``: ``pool_size`` fresh samples plus mutations
  of the best evaluated architectures, after ``num_init`` random ones.

The state is the observations and pending points as text plus the random generator, so a run
resumes exactly: every fit and optimisation is seeded from that generator.
"""
from __future__ import annotations

import inspect
import math
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..engine.appended_rows import AppendedRows
from ..engine.errors import ConfigError
from ..engine.held_imports import imported
from ..engine.options import PositiveInt, Seed
from .bo_subset import model_rows
from .counts import InitDesign, McSamples, ModelPoints, PoolSize, RawSamples, Restarts
from ..engine.registry import register_strategy
from ..engine.types import Arch, Observation
from ..search_spaces.base import BoxSpace, SearchSpace, VectorEncoded
from .base import Strategy
from .saved_state import saved_count, saved_scores
from ..predictors.base import quiet_botorch, single_thread
from ..predictors.gp import import_botorch
from .bo_model import Hyperparameters, Proposer, fit_model, hyperparameters, make_acquisition, saved_hyperparameters

if TYPE_CHECKING:  # botorch is imported on the first fit
    from botorch.models import SingleTaskGP


POOL_OPTIONS = ("encoding", "pool_size")
"""Options only a candidate pool reads (a space with a vector encoding)."""
BOX_OPTIONS = ("num_restarts", "raw_samples")
"""Options only the box optimiser reads (a BoxSpace such as NAGO's)."""


def _refuse_unread(space: SearchSpace, **given: Any) -> None:
    """An option the space's proposer never reads was accepted and ignored (pool_size on NAGO): refuse it. A search
    refuses one given at any value (:meth:`BayesianOptimisation.unread_options`); a script constructing bo by hand
    is refused one at another value than the default, all the constructor can tell."""
    defaults = inspect.signature(BayesianOptimisation.__init__).parameters
    unread = BayesianOptimisation.unread_options(space)
    name = next((name for name in unread if given[name] != defaults[name].default), None)
    if name:
        raise ConfigError(f"bo {unread[name]}, which does not read the {name} option; drop it")


@register_strategy("bo")
class BayesianOptimisation(Strategy):
    """GP-based BO (single or multi-objective) over a box space or a vector-encoded candidate pool."""

    multi_objective = True
    requires = ((BoxSpace, VectorEncoded),)
    wiring = Strategy.wiring + ("reference_point", "objective_names", "on_note")
    random_start = "num_init"
    random_start_note = ("from its initial design ({option}) before its GP proposes any, so this {done}-evaluation "
                         "run never used its model")

    @classmethod
    def unread_options(cls, space: SearchSpace) -> dict[str, str]:
        if isinstance(space, BoxSpace):
            return dict.fromkeys(POOL_OPTIONS, f"searches '{space.name}' in its own box of hyperparameters")
        return dict.fromkeys(BOX_OPTIONS, f"searches '{space.name}' over a pool of candidate architectures")

    def __init__(self, space: SearchSpace, seed: Seed = 0, num_objectives: PositiveInt = 1,
                 reference_point: list[float] | None = None, num_init: InitDesign = 10,
                 encoding: str | None = None, pool_size: PoolSize = 1000, num_restarts: Restarts = 8,
                 raw_samples: RawSamples = 256, mc_samples: McSamples = 128, max_points: ModelPoints = 1000,
                 objective_names: list[str] | None = None, on_note: Callable[[str], None] | None = None) -> None:
        super().__init__(space, seed)
        self.sobol_seed = seed  # the initial design is one scrambled Sobol sequence per run seed
        self.num_objectives, self.num_init = num_objectives, num_init
        self.reference_point = None if reference_point is None else [float(v) for v in reference_point]
        if self.reference_point is not None and len(self.reference_point) != num_objectives:
            raise ConfigError(f"bo: reference_point has {len(self.reference_point)} values for {num_objectives} "
                              "objectives; give one per objective")
        _refuse_unread(space, encoding=encoding, pool_size=pool_size, num_restarts=num_restarts,
                       raw_samples=raw_samples)
        if not isinstance(space, BoxSpace) and encoding is not None and encoding not in space.vector_encodings:
            raise ConfigError(f"bo: '{space.name}' has no vector encoding '{encoding}'; choose one of "
                              f"{', '.join(space.vector_encodings)}")
        default = "onehot" if "onehot" in space.vector_encodings else (space.vector_encodings or (None,))[0]
        self.proposer = Proposer(space, encoding or default, pool_size, num_restarts, raw_samples)
        self.encoding, self.pool_size = encoding, pool_size  # config() reads them back
        self.num_restarts, self.raw_samples = num_restarts, raw_samples
        if not isinstance(space, BoxSpace):
            space.check_encodings()  # the GP reads the encoding: a broken one is named before the initial design
        self.mc_samples, self.max_points = mc_samples, max_points
        self.observed: dict[str, tuple[Arch, list[float], list[float] | None]] = {}  # text → (arch, scores, noise)
        self._observed_rows: list[list[Any]] = []  # [text, scores, noise] of each, as saved; never changed once added
        self.failed: set[str] = set()
        self.pending: dict[str, Arch] = {}
        self.initial_asked = 0
        self._initial_texts: list[str] = []  # the last ask's initial points, which dropped() gives back to the design
        self.exhausted_at: int | None = None  # results (observed and failed) when a pool held nothing unseen
        self.fitted: Hyperparameters | None = None  # the last fit's, where the next starts (bo_model.WARM_START_AT)
        self.objective_names = objective_names or [f"objective {i + 1}" for i in range(num_objectives)]
        self.on_note, self.said_unbeaten = on_note, False

    # --- ask -----------------------------------------------------------------------------------
    def ask(self, n: int) -> list[Arch]:
        out: list[Arch] = []
        self._initial_texts = []
        while len(out) < n and self.initial_asked < self.num_init:
            arch = self._reserve(self.proposer.initial(self.initial_asked, self.sobol_seed, self.rng))
            self.initial_asked += 1
            self._initial_texts.append(self._dump(arch))
            out.append(arch)
        if len(out) < n:
            out += self._guided(n - len(out))
        return out

    def _guided(self, q: int) -> list[Arch]:
        if len(self.observed) < 2 or self.exhausted_at == len(self.observed) + len(self.failed):
            # nothing to model yet (failures so far), or nothing unseen was left to draw: keep exploring
            return [self._reserve(self.space.sample(self.rng)) for _ in range(q)]
        archs = list(self.observed.values())
        y = np.array([scores for _, scores, _ in archs], dtype=np.float64)
        self._note_unbeaten(y)
        torch_seed = int(self.rng.integers(2**31 - 1))  # drawn from the saved generator: resumes repeat it
        known = set(self.observed) | self.failed | set(self.pending)
        pool = self.proposer.candidates(known, [a for a, _, _ in archs], y, self.rng)
        if pool is not None and not pool:
            # Every draw known (a small space spent): random draws, the loop answering them from the store. No GP is
            # fitted until a new result arrives: a fit per repeat ran the loop's 10,000-repeat stop for 10 minutes.
            self.exhausted_at = len(self.observed) + len(self.failed)
            proposals = [self.space.sample(self.rng) for _ in range(q)]
            return [self._reserve(a) for a in proposals]
        pending = self.proposer.features(list(self.pending.values())) if self.pending else None
        import_botorch()  # its first import, with a Ctrl-C held
        torch = imported("torch")

        # small matrices: extra threads only spin (a fit took 12 s on 2 busy cores, 1.3 s on one); the fit and the
        # proposals reseed torch's global generator with torch_seed, which is the caller's to keep: a script's
        # torch.randn after search() drew the same numbers after every search (fork_rng gives it back)
        with single_thread(), quiet_botorch(), torch.random.fork_rng(devices=[]):
            model, model_x = self._surrogate(torch_seed)
            acquisition = make_acquisition(model, model_x, y, pending, self.reference_point, self.mc_samples,
                                           torch_seed)
            proposals = self.proposer.propose(acquisition, q, pool, self.rng, torch_seed)
        return [self._reserve(a) for a in proposals]

    def _surrogate(self, seed: int) -> tuple[SingleTaskGP, np.ndarray]:
        """The GP fitted on the observations and failures (at most ``max_points`` of them: bo_subset), and its inputs.

        Each point's noise is its measured one (the variance of its replicates' mean) where known, else inferred
        (fit_model): a single unknown once made every point's inferred, the measured ones thrown away.
        """
        texts, failed_texts = list(self.observed), sorted(self.failed)
        scores = np.array([values for _, values, _ in self.observed.values()], dtype=np.float64)
        rows = model_rows(texts + failed_texts, scores, self.max_points)
        archs = [self.observed[texts[i]] for i in rows if i < len(texts)]
        y = np.array([scores for _, scores, _ in archs], dtype=np.float64)
        noise = np.array([v if v is not None else [math.nan] * self.num_objectives for *_, v in archs],
                         dtype=np.float64)
        # Failed points join the model at the worst value seen (as SMAC scores crashed runs), so the
        # GP learns to steer clear of a region that fails instead of proposing into it again.
        failed = [self._load(failed_texts[i - len(texts)]) for i in rows if i >= len(texts)]
        model_x = self.proposer.features([a for a, _, _ in archs] + failed)
        model_y = np.vstack([y, np.repeat(scores.min(axis=0, keepdims=True), len(failed), axis=0)])
        noise = np.vstack([noise, np.full((len(failed), y.shape[1]), math.nan)])  # fit_model gives them the loudest
        model = fit_model(model_x, model_y, noise, self.proposer.bounds(model_x), seed, len(failed), self.fitted)
        self.fitted = hyperparameters(model)  # saved with the state, so a resumed run's next fit starts alike
        return model, model_x

    def _note_unbeaten(self, y: np.ndarray) -> None:
        """Say once that no evaluation beats the user's reference point in every objective yet: its hypervolume
        stays 0 meanwhile, and the acquisition aims past the front's worst values instead (bo_model.py)."""
        if self.reference_point is None or self.said_unbeaten or self.on_note is None:
            return
        reference = np.asarray(self.reference_point)
        if (y > reference).all(axis=1).any():
            return
        self.said_unbeaten = True
        short = [name for name, beaten in zip(self.objective_names, (y > reference).any(axis=0)) if not beaten]
        which = (f"none is better in {' or '.join(short)}" if short else
                 "each objective is beaten, but never all at once")
        self.on_note(f"bo: no evaluation is better than --reference-point in every objective yet ({which}), so the "
                     "hypervolume is 0; until one is, bo aims past the front's worst values, as without the point")

    def _reserve(self, arch: Arch) -> Arch:
        """Record ``arch`` as pending, replacing a repeat of a known point by a fresh neighbour."""
        known = set(self.observed) | self.failed | set(self.pending)
        for _ in range(100):
            if self._dump(arch) not in known:
                break
            arch = self.space.mutate(arch, self.rng)
        self.pending[self._dump(arch)] = arch
        return arch

    # --- tell ----------------------------------------------------------------------------------
    def dropped(self, archs: list[Arch]) -> None:
        """Dropped points are no longer pending: the acquisition no longer spreads the batch away from them. A dropped
        initial point is the design's again: the loop drops the last ask's tail, so its initial points dropped are the
        design's last asked, and stepping back gives the same Sobol points again (in a box; elsewhere as many random
        draws), where the design skipped them and the GP began one point short."""
        for arch in archs:
            text = self._dump(arch)
            self.pending.pop(text, None)
            if text in self._initial_texts:
                self._initial_texts.remove(text)
                self.initial_asked -= 1

    def tell(self, observations: list[Observation]) -> None:
        for obs in observations:
            text = self._dump(obs.arch)
            self.pending.pop(text, None)
            if obs.failed or obs.scores is None or not all(math.isfinite(s) for s in obs.scores):
                self.failed.add(text)
            elif text not in self.observed:
                if len(obs.scores) != self.num_objectives:
                    raise ConfigError(f"bo was built for {self.num_objectives} objectives but was told "
                                      f"{len(obs.scores)}")
                noise = list(obs.variances) if obs.variances is not None else None
                self._observe(text, obs.arch, list(obs.scores), noise)

    def _observe(self, text: str, arch: Arch, scores: list[float], noise: list[float] | None) -> None:
        """Record an observation and its saved row, never changed after: the store appends the rows (state_rows)."""
        self.observed[text] = (arch, scores, noise)
        self._observed_rows.append([text, list(scores), None if noise is None else list(noise)])

    def diagnostics(self) -> dict[str, float]:
        return {"observed": float(len(self.observed)), "failed": float(len(self.failed))}

    # --- state ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "initial_asked": self.initial_asked, "failed": sorted(self.failed),
                "observed": AppendedRows(self._observed_rows), "pending": list(self.pending),
                "exhausted_at": self.exhausted_at, "hyperparameters": self.fitted}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.initial_asked = saved_count(state["initial_asked"], "initial_asked")
        self.failed = set(state["failed"])
        width = self.num_objectives
        self.observed, self._observed_rows = {}, []
        for t, s, v in state["observed"]:
            self._observe(t, self._load(t), saved_scores(s, width, f"the scores saved with {t!r:.60}"),
                          None if v is None else saved_scores(v, width, f"the noise saved with {t!r:.60}"))
        self.pending = {t: self._load(t) for t in state["pending"]}
        exhausted = state.get("exhausted_at")  # absent from runs saved before it was kept
        self.exhausted_at = None if exhausted is None else saved_count(exhausted, "exhausted_at")
        self.fitted = saved_hyperparameters(state.get("hyperparameters"))  # absent from runs saved before it was kept
