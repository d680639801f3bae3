"""Shared machinery of predictor-guided strategies (BANANAS, predictor top-k).

A guided strategy spends its first ``num_init`` asks on random architectures, or with
``warmup`` on those zero-cost proxies rank best (:mod:`.warmup`), then works in
*rounds*: refit the predictor on what has been observed, rank candidates, and queue the best
``batch_size`` of them. Asks are served from that queue. The loop asks for as many architectures
as it has free slots, which is 1 at a time with the in-process executor. Refitting at every ask
would cost one predictor fit per evaluation. So the predictor is refit only when ``refit_every``
new results have arrived since the last fit, or when the queue runs dry.

Fitting is lazy: ``tell`` only records results, and the refit happens at the next ``ask``. The
first fit is ``fit`` on everything. Later fits pass only the new results to ``update``, which
warm-starts a learned predictor (``refit="warm"``, the default); ``refit="reset"`` refits from
scratch every time.

Nothing already evaluated, failed or pending is proposed again (identity is ``space.hash``).
Failed evaluations never reach the predictor.

``state_dict`` holds everything that decides future asks: the generator, observations, pending
architectures, the queue, how many results the predictor has seen, and the predictor's own
``state_dict()``. A warm-started model depends on its whole history of updates, so it cannot be
rebuilt from the data alone. The loop takes the state after every evaluation, so the packed
predictor state is cached and rebuilt only after a refit, and each observation's saved row is written once, when
it is told: writing every row at every evaluation was quadratic (1.1 M formats in a 1,500-evaluation run, 6 % of
predictor-topk's time with a predictor that costs nothing to fit). The observations and the predictor's data are
lists that only grow (``AppendedRows``), so the run store appends their new rows at each commit instead of writing
them all again (``engine/state_rows.py``).
"""
from __future__ import annotations

import math
from abc import abstractmethod
from typing import Any, ClassVar, Literal, Mapping, Sequence

from ..engine.context import RunContext
from ..engine.errors import ConfigError
from ..engine.held_imports import imported
from ..engine.options import PositiveInt, Seed
from .counts import BatchSize, InitCount, PoolSize
from ..engine.registry import PREDICTORS, STRATEGIES
from ..engine.space_checks import checked_moves, enumerated, enumerated_hashes
from ..engine.appended_rows import AppendedRows, lifted, put_back
from ..engine.key_code import key_code
from ..engine.parsed_texts import parsed_once
from ..engine.state_json import snapshot
from ..engine.types import Arch, Observation
from ..predictors.base import Predictor, checked_prediction
from ..search_spaces.base import SearchSpace, enumerable
from .base import Strategy
from .saved_state import saved_count, saved_score
from .warmup import ZeroCostWarmup, check_proxies, note_objective, resolve_warmup

REFIT_MODES: tuple[str, ...] = ("warm", "reset")
_SAMPLE_TRIES = 50  # random draws per wanted architecture before falling back to enumeration
_FRUITLESS_DRAWS = 10 * _SAMPLE_TRIES
"""Draws in a row that found nothing unseen after which a hunt gives up, however many it wanted: predictor-topk's
pool hunts 2,500 (125,000 draws) on a spent space without a declared size, each round before its wait, and drew as
many on a small one after finding its unseen cells (a user's 1,024: 126,480 draws a round, 7,596 now). A space
with even 2% left unseen ends one this way once in 24,000 hunts, the fallback then enumerating it or drawing plainly."""


class PredictorGuidedStrategy(Strategy):
    """Base class: observations, lazy refits, a queue of ranked picks, exact resume.

    Subclasses implement :meth:`_rank_round`, which returns up to ``k`` unseen architectures in
    the order they should be evaluated, using the freshly refit :attr:`predictor`.
    """

    random_start = "num_init"
    random_start_note = ("before its predictor ranks any ({option}: at random, or by its warm-up proxies), so this "
                         "{done}-evaluation run never used its predictor")

    default_predictor: ClassVar[str] = "flan"
    min_fit_size: ClassVar[int] = 2  # a predictor learns nothing useful from a single point

    @classmethod
    def reads_dataset_with(cls, space: type[SearchSpace], options: Mapping[str, Any]) -> bool:
        """Whether its warm-up scores architectures by proxies (stored for the dataset, or computed on its
        images): named ones or the benchmark's own do; none, or ``'auto'``, which warms up only on a run answered
        from a benchmark's table, do not. A subclass that takes no ``warmup`` option may read the context."""
        if "warmup" not in options:
            return super().reads_dataset_with(space, options)
        return options["warmup"] not in (None, False, "auto")

    def __init__(self, space: SearchSpace, seed: Seed = 0, predictor: Predictor | None = None,
                 context: RunContext | None = None, num_init: InitCount = 10, batch_size: BatchSize = 10,
                 refit_every: PositiveInt | None = None, refit: Literal[REFIT_MODES] = "warm",
                 warmup: bool | str | Sequence[str] | None = None, warmup_pool: PoolSize | None = None) -> None:
        super().__init__(space, seed)
        if predictor is None:
            raise ConfigError(f"strategy '{type(self).__name__}' needs a predictor; pass predictor= "
                              "(nasloop search builds one from --predictor)")
        self.predictor = predictor
        self.num_init, self.batch_size = num_init, batch_size
        self.refit_every = self.batch_size if refit_every is None else refit_every
        self.refit = refit
        context = context or RunContext()
        # None for no warm-up, as the option takes it: config() gives back what rebuilds the strategy ([] is refused)
        self.warmup = check_proxies(resolve_warmup(warmup, space, context), warmup_pool) or None
        self.warmup_pool = warmup_pool
        self._warmup = (ZeroCostWarmup.from_context(space, self.warmup, context, seed, warmup_pool)
                        if self.warmup else None)
        if self.warmup:
            note_objective(self.warmup, context)
        self.asked_init = 0
        self.observed: dict[str, tuple[Arch, float | None]] = {}  # hash → (arch, score), in tell order
        self._observed_rows: list[list[Any]] = []  # [text, score, hash] of each, as saved; never changed once added
        self._key_code = key_code(space, "exact")  # what hashed the saved rows' keys; once, not at every commit
        self.pending: dict[str, Arch] = {}  # asked, not yet told
        self.queue: list[Arch] = []  # ranked picks of the current round, best first
        self.fed = 0  # successful observations the predictor has been given
        self.rounds = 0
        self._predictor_state: dict[str, Any] | None = None
        self.exhausted_at: int | None = None  # len(observed) when a round and a random draw found nothing unseen
        self._enumeration: list[str] | None = None  # the enumerable space's hashes, read on first use

    # --- the ask/tell protocol ---------------------------------------------------------------
    def ask(self, n: int) -> list[Arch]:
        out: list[Arch] = []
        while len(out) < n:
            if self.asked_init < self.num_init or len(self._training_set()) < self.min_fit_size:
                self.asked_init = min(self.asked_init + 1, self.num_init)
                arch = self._initial_pick()
            else:
                arch = self._next_pick()
            self.pending[self.space.hash(arch)] = arch
            out.append(arch)
        return out

    def tell(self, observations: list[Observation]) -> None:
        for obs in observations:
            key = self.space.hash(obs.arch)
            self.pending.pop(key, None)
            if key not in self.observed:  # a duplicate answered from the store adds nothing new
                self._observe(key, obs.arch, None if obs.failed else float(obs.score))

    def dropped(self, archs: list[Arch]) -> None:
        """Dropped picks are no longer pending, so a later round may pick them again."""
        for arch in archs:
            self.pending.pop(self.space.hash(arch), None)

    def _observe(self, key: str, arch: Arch, score: float | None, text: str | None = None) -> None:
        """Record a told architecture and its saved row together, so ``state_dict`` formats each row once; ``text``:
        the row's text as this code formatted it before (a resume's), else formatted now."""
        self.observed[key] = (arch, score)
        self._observed_rows.append([self._dump(arch) if text is None else text, score, key])

    def _initial_pick(self) -> Arch:
        """The best-ranked unseen architecture of the zero-cost warm-up, else a random one.

        Also asked when initial evaluations failed and too few results exist to fit on.
        """
        if self._warmup is not None:
            for arch in self._warmup.ranked():
                if not self._seen(self.space.hash(arch)):
                    return arch
        return self._random_unseen(1)[0]

    # --- rounds ------------------------------------------------------------------------------
    def _next_pick(self) -> Arch:
        """The best queued pick still unseen; refit and re-rank when due."""
        training = self._training_set()
        new_results = len(training) - self.fed
        self.queue = [a for a in self.queue if not self._seen(self.space.hash(a))]
        if new_results >= self.refit_every or (not self.queue and new_results > 0) or not self.predictor.fitted:
            self._fit(training)
            self.queue = []
        waiting = self.exhausted_at == len(self.observed)
        if not self.queue and not waiting:
            self.rounds += 1
            self.queue = self._rank_round(self.batch_size)
        if self.queue:
            return self.queue.pop(0)
        if waiting:  # chance found nothing unseen and no result came since: one draw, as bo's wait draws, not 50
            return self.space.sample(self.rng)
        # nothing left to rank (space nearly exhausted): fall back to chance. Where chance finds nothing unseen
        # either, the rounds wait for a new result: each one that finds nothing costs predictor-topk 125,000 draws,
        # and the loop asks 10,000 repeats before it stops (hours on a user's space of 64 without a declared size)
        arch = self._random_unseen(1)[0]
        if self._seen(self.space.hash(arch)):
            self.exhausted_at = len(self.observed)
        return arch

    def _fit(self, training: list[tuple[Arch, float]]) -> None:
        archs, y = [a for a, _ in training], [s for _, s in training]
        if self.refit == "reset" or not self.predictor.fitted:
            self.predictor.fit(archs, y)
        else:
            self.predictor.update(archs[self.fed:], y[self.fed:])
        self.fed = len(training)
        self._predictor_state = None

    @abstractmethod
    def _rank_round(self, k: int) -> list[Arch]:
        """Up to ``k`` unseen architectures, best first, ranked with the current predictor."""

    def diagnostics(self) -> dict[str, float]:
        """How well the current predictor ranks the results it has not been fit on yet.

        The newest results (those since the last fit) are out of sample for the predictor that
        chose them: their Kendall tau against its predictions is its ranking quality as the
        search sees it, round after round.
        """
        fresh = self._training_set()[self.fed:]
        if not self.predictor.fitted or len(fresh) < 3 or len({s for _, s in fresh}) < 2:
            return {}
        predicted, _ = checked_prediction(self.predictor, [a for a, _ in fresh])
        tau = imported("scipy.stats").kendalltau(predicted, [s for _, s in fresh]).statistic
        return {"predictor/kendall_tau_out_of_sample": float(tau)} if math.isfinite(tau) else {}

    # --- helpers for subclasses ---------------------------------------------------------------
    def _training_set(self) -> list[tuple[Arch, float]]:
        return [(a, s) for a, s in self.observed.values() if s is not None]

    def _seen(self, key: str) -> bool:
        return key in self.observed or key in self.pending

    def _best_observed(self, count: int) -> list[Arch]:
        """The ``count`` best successfully evaluated architectures (ties: earliest first)."""
        ranked = sorted(self._training_set(), key=lambda pair: -pair[1])
        return [a for a, _ in ranked[:count]]

    def _best_score(self) -> float | None:
        scores = [s for _, s in self._training_set()]
        return max(scores) if scores else None

    def _unseen(self, archs: Sequence[Arch]) -> list[Arch]:
        """``archs`` without the seen ones and without repeats, order kept; a user's space's candidates checked first
        (about 3 us each): one outside the space was refused by the predictor ranking it, as the predictor's bug, and
        the run stored failed, where the space's fix lets it continue."""
        keep: dict[str, Arch] = {}
        for arch in checked_moves(self.space, "sample, mutate or neighbours", list(archs)):
            key = self.space.hash(arch)
            if key not in keep and not self._seen(key):
                keep[key] = arch
        return list(keep.values())

    def _random_unseen(self, n: int, exclude: set[str] | None = None) -> list[Arch]:
        """``n`` distinct random architectures nobody has asked for yet.

        Draws from the space's sampler; a nearly exhausted finite space falls back to its
        unseen remainder. When nothing at all is left, plain draws are returned and the loop
        answers them from the store.
        """
        exclude = set() if exclude is None else set(exclude)
        out: list[Arch] = []
        last_found = 0  # the draw that last found one
        for tries in range(_SAMPLE_TRIES * n):
            if len(out) == n:
                return out
            if tries - last_found == _FRUITLESS_DRAWS:
                break
            arch = self.space.sample(self.rng)
            key = self.space.hash(arch)
            if not self._seen(key) and key not in exclude:
                exclude.add(key)
                out.append(arch)
                last_found = tries + 1
        # none wanted (bananas' default random_candidates=0) still draws a permutation of the unseen cells, as
        # recorded NB201 searches did: the draw moves the random stream they replay step for step. The unseen are
        # found by their hashes, and the space listed only for picks: listing it built NB101's 30,001 cells a round
        if enumerable(self.space):
            gone = set(self.observed).union(self.pending, exclude)
            rest = [i for i, key in enumerate(self._enumerated_hashes()) if key not in gone]
            picks = sorted(self.rng.permutation(len(rest))[:n - len(out)])
            if picks:
                archs = enumerated(self.space, f"strategy {STRATEGIES.label(self)}")
                out += [archs[rest[i]] for i in picks]
        while len(out) < n:
            out.append(self.space.sample(self.rng))
        return out

    def _enumerated_hashes(self) -> list[str]:
        """The hash of each architecture of the enumerable space, in its order, kept for the run."""
        if self._enumeration is None:
            self._enumeration = enumerated_hashes(self.space, f"strategy {STRATEGIES.label(self)}")
        return self._enumeration

    # --- state -------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        if self._predictor_state is None and self.predictor.fitted:
            # kept until the next refit, whose update would grow a user's live lists in it (a blend's member's
            # too) before the store encodes it: copied, once per refit (milliseconds for FLAN's ensemble)
            # (its lists that only grow copied as they are, still marked, for the store to append: state_rows)
            state, rows = lifted(self.predictor.state_dict())
            self._predictor_state = put_back(snapshot(state, "the state_dict of predictor "
                                                      f"{PREDICTORS.label(self.predictor)} (the strategy's "
                                                      "state['predictor'])"), rows)
        return {**super().state_dict(), "asked_init": self.asked_init, "fed": self.fed, "rounds": self.rounds,
                "observed": AppendedRows(self._observed_rows),  # a new list of rows no one changes: a snapshot
                "pending": [self._dump(a) for a in self.pending.values()],
                "queue": [self._dump(a) for a in self.queue],
                "predictor": self._predictor_state, "exhausted_at": self.exhausted_at,
                "key_code": self._key_code}  # what hashed the saved rows: a load reads them by it

    def load_state_dict(self, state: dict[str, Any]) -> None:
        with parsed_once(self.space):  # each text once, for the strategy and its predictor (engine/parsed_texts.py)
            self._load_parsed(state)

    def _load_parsed(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.asked_init, self.fed, self.rounds = (saved_count(state[key], key)
                                                  for key in ("asked_init", "fed", "rounds"))
        self.observed, self._observed_rows = {}, []
        # each row's hash and text as saved where this code hashed and formatted it (20,000 NB101 cells: 4.7 s
        # hashed again, 1.1 s formatted); a row saved before hashes were kept ([text, score]), or by other code, anew
        hashed = state.get("key_code") is not None and state.get("key_code") == self._key_code
        for text, score, *key in state["observed"]:
            arch = self._load(text)
            kept = hashed and len(key) == 1 and isinstance(key[0], str) and isinstance(text, str)
            self._observe(key[0] if kept else self.space.hash(arch), arch,
                          saved_score(score, f"the score saved with {text!r:.60}", missing_allowed=True),
                          text if kept else None)
        if self.fed > len(self._training_set()):
            raise ValueError(f"fed is {self.fed}, more than the {len(self._training_set())} results it saved")
        self.pending = {self.space.hash(a): a for a in map(self._load, state["pending"])}
        self.queue = [self._load(a) for a in state["queue"]]
        if state["predictor"] is not None:
            self.predictor.load_state_dict(state["predictor"])
        self._predictor_state = state["predictor"]
        exhausted = state.get("exhausted_at")  # absent from runs saved before it was kept
        self.exhausted_at = None if exhausted is None else saved_count(exhausted, "exhausted_at")
