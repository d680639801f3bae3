"""The search loop: ask → evaluate → persist → tell, until the budget is spent.

Data flows one way: the strategy proposes architectures, the executor evaluates them, the store
persists each result as it arrives, and the strategy is told. An architecture already evaluated
(by exact or functional identity) is answered from the store and costs no budget; the budget
counts distinct evaluations and their (simulated) seconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ..search_spaces.base import SearchSpace
from ..strategies.base import Strategy
from .budget import Budget
from .errors import ConfigError
from .evaluators.base import Evaluator, checked_result
from .executors.base import Executor, checked_capacity, evaluated_now, lost_trials, next_completions
from .registry import EVALUATORS
from .proposals import checked_proposals
from .replays import Replays, say_dropped
from .objectives import Objective, oriented_values, replicate_variances
from .state_loading import load_run_state
from .stop_reasons import RepeatStreak, streak_reason
from .key_code import key_code
from .stored_keys import keys_trusted, needed_arch, record_keys, space_evaluated_whole, stored_architectures
from .store import RunStore, Trial
from .store_rows import DONE, DUPLICATE, PENDING
from .store_writes import grouped_state
from .types import Arch, Observation, Result

ProgressHook = Callable[[int, "int | None", "float | None"], None]
"""Called with (evaluations done, evaluation budget, best score so far) after each finished evaluation, as a resumed
run starts and as it counts the lookups it replays (a resumed run's bar read 0 until its first new result)."""


@dataclass(slots=True)
class _Known:
    """What the loop remembers of an architecture identity, to answer its repeats: whether its trial finished, and
    what a repeat's answer reads of the result, not the result. Its metrics (every number the evaluator measured,
    1.8 KB a lookup on NB201) were kept for each architecture the run had seen: 27.5 MB after NB201's 15,623."""

    trial_id: int
    finished: bool
    scores: tuple[float, ...] | None
    variances: tuple[float, ...] | None = None  # each objective's noise, where a successful result measured it

    @property
    def score(self) -> float | None:
        return None if self.scores is None else self.scores[0]


class SearchLoop:
    """Runs one search against a store; construct it with ready plugins (see ``engine.search``)."""

    def __init__(self, space: SearchSpace, strategy: Strategy, evaluator: Evaluator, executor: Executor,
                 store: RunStore, budget: Budget, objective: str = "val_accuracy", minimize: bool = False,
                 objectives: Sequence[Objective] | None = None, fidelity: int | None = None,
                 dedup: str = "exact", max_duplicate_streak: int = 10_000, streak_note_seconds: float = 60.0,
                 on_progress: ProgressHook | None = None, on_note: Callable[[str], None] | None = None,
                 on_result: Callable[[int, Result, "float | None"], None] | None = None,
                 trials: Sequence[Trial] | None = None) -> None:
        if dedup not in ("exact", "functional"):
            raise ConfigError(f"dedup must be 'exact' or 'functional', got '{dedup}'")
        self.space, self.strategy, self.evaluator = space, strategy, evaluator
        self.executor, self.store, self.budget = executor, store, budget
        self.objectives = tuple(objectives) if objectives else (Objective(objective, minimize),)
        self.objective, self.minimize = self.objectives[0].metric, self.objectives[0].minimize
        self.fidelity = fidelity
        self._key = space.functional_hash if dedup == "functional" else space.hash
        self._key_code = key_code(space, dedup)  # what a resume reads stored keys by, not hashing them again
        self._streak = RepeatStreak(max_duplicate_streak, streak_note_seconds, on_note)  # its count saved with states
        self.on_progress, self.on_note = on_progress, on_note  # on_note: what the run says as it goes (a long streak)
        self.on_result = on_result  # (evaluations finished, result, best score so far) after each result
        self._trials = trials  # the store's, where a resume has just read them (resume_trials), for the restore
        self.stop_reason = ""
        self._known: dict[str, _Known] = {}
        self._waiting: dict[int, list[tuple[int, Arch]]] = {}  # running trial → duplicates awaiting its result
        self._running: dict[int, tuple[Arch, str]] = {}  # running trial → (arch, key)
        self._step = 0
        self._started = 0
        self._spent = 0.0
        self._best: float | None = None
        self._unsaved_repeats = 0  # repeats told to the strategy since the store last saved its state
        self._reported: frozenset[str] | None = None  # the evaluator's metric names, read when first needed
        self._seen_metrics: set[str] = set()  # the metrics successful results have reported in this run
        self._strategy_loaded = False
        self._stored: dict[str, Arch | None] = {}  # by its string, from the state load to the restore
        self._replays = Replays()  # stored lookups the resumed strategy proposes again, unknown to it until then
        self._state, self._grouped_state = strategy.state_dict, grouped_state(strategy)  # see store_writes
        strategy.bind_history(self._knows)

    def _knows(self, arch: Arch) -> bool:
        """Whether the strategy, at its current state, has had ``arch`` proposed (evaluated or running)."""
        key = self._key(arch)
        return key in self._known and key not in self._replays

    # --- scoring ----------------------------------------------------------------------------
    def scores(self, result: Result) -> tuple[float, ...] | None:
        """The objectives as the strategy sees them: higher is better, None when the trial failed."""
        if not result.ok:
            return None
        self._seen_metrics.update(result.metrics)
        missing = [o.metric for o in self.objectives if o.metric not in result.metrics]
        declared = self._reported_metrics() if missing else frozenset()  # read only when needed: a table's
        # evaluator without a list evaluates a cell to find them
        if missing and missing[0] not in declared | self._seen_metrics:  # never reported, not just absent here
            # (then the trial fails: see _scored); without declared metrics the first result is the evidence
            fix = "" if declared else (f", or, if only some results lack it, list the metrics in "
                                       f"{type(self.evaluator).__name__}.metric_names")
            where = "" if declared else " in its first result"
            raise ConfigError(f"the evaluator reports no '{missing[0]}' metric{where}; choose --objective from: "
                              f"{', '.join(sorted(result.metrics))} (in a new run: a run keeps the objective it began "
                              f"with){fix}")
        return oriented_values(result.metrics, self.objectives)  # None where a table lacks this cell's value

    def _scored(self, result: Result) -> tuple[Result, tuple[float, ...] | None]:
        """A checked result (``checked_result``) and its scores; one without a finite value of the one objective is
        a failure, with the reason: stored as a success without a score, a run of them finished with no best and
        '0 failed'. (With several objectives it stays a success, left out of the front, which counts it.)"""
        scores = self.scores(result)
        if len(self.objectives) > 1 or not result.ok or scores is not None:
            return result, scores
        metric = self.objectives[0].metric
        given = result.metrics.get(metric)
        why = ("the benchmark lacks it for this cell" if self.evaluator.uses_benchmark else
               f"evaluator {EVALUATORS.label(self.evaluator)} gave {'no value' if given is None else repr(given)}")
        return Result.failed(f"no finite '{metric}' in this result ({why})",
                             cost=result.cost, cost_estimated=result.cost_estimated, partial=result.metrics), None

    def _reported_metrics(self) -> frozenset[str]:
        """What the evaluator reports at this fidelity, read once: a table lookup per cell lacking a value
        (4,699 NB201 cells have no Edge TPU latency) would repeat it."""
        if self._reported is None:
            self._reported = frozenset(self.evaluator.metric_names(self.fidelity) or ())
        return self._reported

    def _remembered(self, trial_id: int, result: Result | None, scores: tuple[float, ...] | None) -> _Known:
        """What the loop keeps of trial ``trial_id``'s ``result`` (None while it runs) and its ``scores``."""
        ok = result is not None and result.ok
        return _Known(trial_id, result is not None, scores,
                      replicate_variances(result.metrics, self.objectives) if ok else None)

    @staticmethod
    def _observation(arch: Arch, known: _Known) -> Observation:
        return Observation(arch, known.score, known.scores, known.variances)

    # --- resume -----------------------------------------------------------------------------
    def load_strategy_state(self) -> None:
        """Restore the strategy (its predictor too) from the store, once. A state this run cannot continue from
        (a pretrained file that changed) fails here, so a caller can refuse before marking the run running; so does
        a stored architecture the space does not read: each is read here, once, and :meth:`_restore` goes on from
        them (a finished trial edited to hold 'garbage' was resumed as an evaluation of the space)."""
        if self._strategy_loaded:
            return
        self._stored, step = load_run_state(self.space, self.strategy, self.store)
        self._step = self._step if step is None else step
        self._strategy_loaded = True

    def _restore(self) -> None:
        """Rebuild in-memory state from the store; tell and re-submit what a crash left over."""
        self.load_strategy_state()
        state_step = self._step  # a told lookup of a later step was committed without the state after it
        untold: list[tuple[Trial, Arch]] = []
        trials = self.store.trials() if self._trials is None else self._trials
        stored = self._stored or stored_architectures(self.store, self.space)
        self._stored, self._trials = {}, None  # read as the state loaded (or again, for a second run of this loop)
        trusted = keys_trusted(self.store, self._key_code)
        rekeyed: dict[int, str] = {}  # trial id -> its key, hashed again, where the stored one differs
        # every stored success counts as evidence of what the evaluator reports: trials are replayed by id, and
        # a faster worker may have finished a later one first
        self._seen_metrics.update(m for t in trials if t.result is not None and t.result.ok for m in t.result.metrics)
        for trial in trials:
            arch = needed_arch(self.store.path, self.space, trial, stored)
            if trial.state == DUPLICATE:
                if trial.result is None:
                    self._waiting.setdefault(trial.duplicate_of, []).append((trial.id, arch))
            else:
                scores = self.scores(trial.result) if trial.state == DONE else None
                # the stored key may be stale (stored_keys), unless the code that computed it keys the run now
                key = trial.key if arch is None or trusted else self._key(arch)
                if key != trial.key:
                    rekeyed[trial.id] = key
                self._known.setdefault(key, self._remembered(trial.id, trial.result, scores))
                self._note_best(trial.score)  # None while it runs
                if trial.state != DONE:
                    self._started += 1
                    self._running[trial.id] = (arch, key)
                    self.executor.submit(trial.id, self.evaluator, arch, trial.fidelity)
                elif trial.told and trial.step > state_step:
                    self._replays.add(key, trial.result.cost, trial.step)  # counted as proposed again
                else:
                    self._started, self._spent = self._started + 1, self._spent + trial.result.cost
            if trial.result is not None and not trial.told:
                untold.append((trial, arch))
        if self._key_code is not None and not trusted and trials:  # the next resume reads them, not hashing again;
            # a new run has none to record: a transaction of its own at every start filled a 128 KB disk before its
            # first trial (its first state records them)
            record_keys(self.store, rekeyed, self._key_code)
        kept = sum(stored[t.arch] is None for t in trials)  # each finished and told, or needed_arch refused it
        if kept and self.on_note:
            self.on_note(f"{kept} finished trial(s) of {self.store.path} hold strings search space '{self.space.name}' "
                         "does not read now (its format changed since, or the store was edited): they are kept "
                         "under the keys they were stored with")
        self._streak.count = self.store.get_meta("repeat_streak") or 0  # as of the state resumed from (LOOP_COUNTS)
        self._replays.repeats = (self.store.get_meta("repeats_to_replay") or 0) if self._replays else 0
        if self._started - self.executor.pending:
            self._note_progress()  # the evaluations done before, from the start (replays count as proposed again)
        if untold:
            self._tell([(t.id, arch, self._remembered(t.id, t.result, self.scores(t.result))) for t, arch in untold])

    # --- the loop ---------------------------------------------------------------------------
    def run(self) -> str:
        """Search until the budget is spent; return why it stopped."""
        self._restore()
        empty_waits = 0
        while True:
            free = checked_capacity(self.executor) - self.executor.pending
            if (free > 0 and not self.stop_reason and self.budget.allows(self._started, self._spent)
                    and (self._replays or not self._exhausted())):  # a replay ends where the run it replays did
                n = free if self.budget.queries is None else min(free, self.budget.queries - self._started)
                new = self._ask(n)
                if self._streak.stopped:  # stop asking; let running trials finish
                    self.stop_reason = streak_reason(self._streak.count, self.space, len(self._known),
                                                     self._key != self.space.hash,
                                                     lambda arch: self._key(arch) in self._known)
                elif new or self.executor.pending == 0:
                    continue  # fill every free slot (or ask again after only duplicates) before waiting
            if self.executor.pending == 0:
                if self._running:
                    raise lost_trials(self.executor, list(self._running))
                self.stop_reason = self.stop_reason or self._why_stopped()
                break
            completed, empty_waits = next_completions(self.executor, self.evaluator, self._running, empty_waits)
            for done in completed:
                self._complete(done.trial_id, done.result)
        # saved with the repeats told since the last save and any open group of lookups (see store_writes)
        self.store.record_tell(self._step, [], self._state(), repeats=self._unsaved_repeats, counts=self._counts())
        self._unsaved_repeats = 0
        self.store.set_meta("stop_reason", self.stop_reason)
        return self.stop_reason

    def _exhausted(self) -> bool:
        return space_evaluated_whole(self.space, self._key, len(self._known))

    def _why_stopped(self) -> str:
        if self._exhausted():
            return f"every architecture of the space ({self.space.size}) has been evaluated"
        if self.budget.queries is not None and self._started >= self.budget.queries:
            return f"budget of {self.budget.queries} evaluation{'s' * (self.budget.queries != 1)} spent"
        return f"budget of {float(self.budget.seconds):.10g} s spent ({self._spent:.1f} s)"

    def _ask(self, n: int) -> int:
        """Ask for ``n`` architectures, persist them, submit the new ones; return how many were new (or replayed:
        they were new when first proposed, and so end a streak of repeats as they did then).

        Proposals already evaluated are told to the strategy at once, before the ask is stored,
        so the new trials, those answers and the strategy's resulting state land in one
        transaction: a strategy that mostly repeats itself costs one write per ask, and its repeats
        are counted, not stored.
        """
        archs = checked_proposals(self.space, self.strategy, self.strategy.ask(n), n)
        self._step += 1
        archs, dropped = self._replaying(archs) if self._replays else (archs, 0)
        replayed = 0
        rows: list[dict] = []
        row_archs: list[Arch] = []  # the architecture of each row
        answered: list[Observation] = []
        batch: dict[str, int] = {}  # key → row of its first (new) occurrence in this ask
        for arch in archs:
            key = self._key(arch)
            known = self._known.get(key)
            if known is not None and known.finished:  # answered now: counted, not stored
                answered.append(self._observation(arch, known))
                cost = self._replays.take(key)  # not a repeat: the resumed strategy catching up with the store
                if cost is None:
                    self._unsaved_repeats += not self._replays.counted_repeat()  # one its group counted, not again
                else:
                    replayed, self._started, self._spent = replayed + 1, self._started + 1, self._spent + cost
                continue
            text = self.space.format(arch)
            row_archs.append(arch)
            if known is not None:  # its original is still running
                rows.append({"arch": text, "key": key, "state": DUPLICATE, "duplicate_of": known.trial_id})
            elif key in batch:
                rows.append({"arch": text, "key": key, "state": DUPLICATE, "duplicate_of_row": batch[key]})
            else:
                batch[key] = len(rows)
                rows.append({"arch": text, "key": key, "state": PENDING, "fidelity": self.fidelity})
        self._streak.count_ask(len(batch) + replayed + dropped, n)  # before the writes saving its state with it
        if answered:
            self.strategy.tell(answered)
        if replayed:
            self._note_progress()
        if not rows:
            # Only repeats: nothing new to persist. Their tells reach the store with the next
            # write; a crash before it replays them exactly, since the strategy resumes from the
            # last saved state (its generator included) and proposes the same repeats again.
            return replayed
        if len(rows) == 1 and rows[0]["state"] == PENDING and self.evaluator.instant:
            result = evaluated_now(self.executor, self.evaluator, row_archs[0], self.fidelity)
            if result is not None:
                self._finish_now(rows[0], row_archs[0], result)
                return 1 + replayed
        ids = self.store.record_ask(self._step, rows, self._state(), repeats=self._unsaved_repeats,
                                    counts=self._counts())
        self._unsaved_repeats = 0
        for trial_id, row, arch in zip(ids, rows, row_archs):
            if row["state"] == PENDING:
                self._known[row["key"]] = _Known(trial_id, False, None)
                self._running[trial_id] = (arch, row["key"])
                self._started += 1
                self.executor.submit(trial_id, self.evaluator, arch, self.fidelity)
            else:
                original = row.get("duplicate_of") or ids[row["duplicate_of_row"]]
                self._waiting.setdefault(original, []).append((trial_id, arch))
        return len(batch) + replayed

    def _replaying(self, archs: list[Arch]) -> tuple[list[Arch], int]:
        """``archs``, proposed while lookups remain to replay, and how many new ones were dropped: where the strategy
        left the run it replays, those left count as done, and its new proposals past the budget they leave are
        dropped, unevaluated (else they overran it): the run says so, and tells the strategy (Strategy.dropped)."""
        keys = [self._key(arch) for arch in archs]
        new = list(dict.fromkeys(key for key in keys if key not in self._known))
        left, cost = self._replays.diverged(self._step, bool(new))
        self._started, self._spent = self._started + left, self._spent + cost
        if left:
            self._note_progress()
        room = (len(new) if self.budget.queries is None else self.budget.queries - self._started) \
            if self.budget.allows(self._started, self._spent) else 0
        if room >= len(new):
            return archs, 0
        say_dropped(self.on_note, left, len(new) - room)
        cut = keys.index(new[room])
        self.strategy.dropped(archs[cut:])  # so it holds none of them as in flight, to wait for on later resumes
        return archs[:cut], len(new) - room

    def _finish_now(self, row: dict, arch: Arch, result: Result) -> None:
        """An instant evaluation (a table lookup, run serially): its ask, its result and the strategy's
        state after both are one write. A crash before that write (a failing tell included) leaves the
        state before the ask, from which the strategy proposes the same architecture again: the
        lookup is repeated, nothing is lost, and resume stays exact."""
        result, scores = self._scored(checked_result(self.evaluator, result, self.executor, "evaluate_now"))
        known = self._remembered(-1, result, scores)
        self.strategy.tell([self._observation(arch, known)])
        row.update(state=DONE, result=result, score=known.score, told=True)
        trial_id = self.store.record_evaluated(self._step, row, self._grouped_state(), repeats=self._unsaved_repeats)
        self._unsaved_repeats = 0
        self._started += 1
        self._note_finished(row["key"], _Known(trial_id, True, known.scores, known.variances), result)

    def _complete(self, trial_id: int, result: Result) -> None:
        result = checked_result(self.evaluator, result, self.executor)  # one breaking the contract is not kept
        try:
            result, scores = self._scored(result)
        except ConfigError as exc:  # an objective the evaluator never reports: keep the training, then stop
            if result.ok:
                self.store.record_result(trial_id, Result.failed(str(exc), cost=result.cost, partial=result.metrics),
                                        None)
            raise
        known = self._remembered(trial_id, result, scores)
        arch, key = self._running.pop(trial_id)
        told = [(trial_id, arch, known)] + [(dup, dup_arch, known) for dup, dup_arch in self._waiting.pop(trial_id, [])]
        try:
            self.strategy.tell([self._observation(a, k) for _, a, k in told])
        except BaseException:  # keep the evaluation; the tell is replayed on resume
            self.store.record_result(trial_id, result, known.score)
            raise
        self.store.record_result(trial_id, result, known.score, tell=(
            self._step, [t for t, _, _ in told], self._state(), self._unsaved_repeats, self._counts()))
        self._unsaved_repeats = 0
        self._note_finished(key, known, result)

    def _note_finished(self, key: str, known: _Known, result: Result) -> None:
        self._known[key] = known
        self._spent += result.cost
        self._note_best(known.score)
        self._note_progress()
        if self.on_result:
            self.on_result(self._started - self.executor.pending, result, self._best)

    def _note_progress(self) -> None:
        """Tell ``on_progress`` the evaluations done (see :data:`ProgressHook`)."""
        if self.on_progress:
            self.on_progress(self._started - self.executor.pending, self.budget.queries, self._best)

    def _counts(self) -> dict[str, int]:
        """The loop's counts as of the strategy's state now, saved with it (``store_writes.LOOP_COUNTS``)."""
        return {"repeat_streak": self._streak.count, "repeats_to_replay": self._replays.repeats}

    def _tell(self, told: list[tuple[int, Arch, _Known]]) -> None:
        self.strategy.tell([self._observation(arch, known) for _, arch, known in told])
        self.store.record_tell(self._step, [trial_id for trial_id, _, _ in told], self._state(),
                               repeats=self._unsaved_repeats, counts=self._counts())
        self._unsaved_repeats = 0

    def _note_best(self, score: float | None) -> None:
        if score is not None and (self._best is None or score > self._best):
            self._best = score
