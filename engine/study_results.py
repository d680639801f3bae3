"""A study's runs read back into arrays, and the tables a paper needs computed from them.

Values are in the objective's own units and direction for display; the statistics work on the
score the strategies saw (higher is better), so a minimised objective is negated on the way in and
back on the way out.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from .assemble import canonical_dataset
from .errors import NasloopError
from .final_held_out import (FinalHeldOut, UnreadByPlugin, final_held_out, final_objective_value,
                             held_out_metric, held_out_values)
from .objectives import Objective, directed, oriented_values
from .pareto_summary import hypervolume_curve
from .run_held_out import HELD_OUT_KEY, of_table_now
from .store import RunStore
from .stop_reasons import in_study_terms
from .store_rows import Trial
from .study_grid import Study
from .study_methods import Method, as_method_advice
from .study_renew import run_state, stopped_short
from .user_files import same_but_moved_files
from .study_stats import (Censored, PairedTest, area_under_curve, average_ranks, best_so_far, censored_quantiles,
                          mean_interval, paired_tests, queries_to_target)


@dataclass
class MethodRuns:
    """The finished runs of one method: one row per seed, each cut at the study's budget."""

    label: str
    seeds: list[int] = field(default_factory=list)
    curves: list[np.ndarray] = field(default_factory=list)
    """Best-so-far score after each query (higher is better); NaN before the run's first success."""
    scores: list[list[float]] = field(default_factory=list)
    held_out: list[float] = field(default_factory=list)
    """The held-out metric (test accuracy) of the architecture the run would return after the budget: at the
    benchmark's final fidelity where the study looks it up there (:mod:`.final_held_out`), else as the run stored it."""
    searched_held_out: list[float] = field(default_factory=list)
    """The same architecture's held-out metric as the run stored it, at the fidelity it searched."""
    final_objective: list[float] = field(default_factory=list)
    """The same architecture's searched metric looked up at the final fidelity (:attr:`FinalHeldOut.objective`;
    NaN where the study looks none up): NB201's 200-epoch validation accuracy of a cell searched at 12 epochs."""
    held_queries: list[int] = field(default_factory=list)
    """The evaluations the held-out columns' architecture was chosen among: the study's budget, or in a study whose
    time budget ended some run first, the run's own within its time (:attr:`StudyResults.held_seconds`)."""
    failed: list[int] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    lacking: list[int] = field(default_factory=list)
    """Successful evaluations without a finite value of some objective, left out of a multi-objective run's front."""

    def add(self, seed: int, trials: list[Trial], budget: int, held_metric: str | None, wall: float,
            reference: tuple[tuple[Objective, ...], list[float]] | None = None,
            held: FinalHeldOut | None = None, held_budget: int | None = None,
            kept: object = None) -> str | None:
        """One run's first ``budget`` evaluations: a run continued past the budget is compared on those alone.

        With ``reference`` (objectives and reference point) its scores are the hypervolume after each
        evaluation, and it returns a front, not one architecture, so it has no held-out metric. ``held`` says at
        which fidelity the chosen architecture's held-out metric is read (:class:`FinalHeldOut`); ``held_budget``
        how many evaluations it is chosen among where not ``budget`` (a time budget's run: its own); ``kept`` what
        the run stored of its held-out values as it ended, read rather than looked up where they are of the same
        architecture (:func:`.final_held_out.held_out_values`). Returns why the final fidelity's values are left
        out where a user's space no longer reads the chosen architecture (as ``show`` leaves them out); else None."""
        own = trials[:budget if held_budget is None else held_budget]
        trials = trials[:budget]
        if reference is not None:
            scores, chosen = hypervolume_curve(trials, *reference), None
            self.lacking.append(sum(1 for t in trials if t.result is not None and t.result.ok
                                    and oriented_values(t.result.metrics, reference[0]) is None))
        else:
            scores = [math.nan if t.score is None else float(t.score) for t in trials]
            chosen = max((t for t in own if t.score is not None), key=lambda t: (t.score, -t.id), default=None)
        self.seeds.append(seed)
        self.scores.append(scores)
        self.curves.append(best_so_far(scores, budget))
        arch, metrics, unread = chosen.arch if chosen else None, chosen.result.metrics if chosen else {}, None
        try:
            values = held_out_values(held or FinalHeldOut(), arch, metrics, held_metric, kept)
            final = final_objective_value(held or FinalHeldOut(), arch, kept)
        except UnreadByPlugin as exc:  # the whole report ended on it: the final fidelity's values left out alone
            values = [math.nan] * bool(held and held.held_out_looked_up) + held_out_values(
                FinalHeldOut(), arch, metrics, held_metric)  # one held-out column (NB101's): the stored one
            final, unread = math.nan, str(exc)
        self.held_out.append(values[0])
        self.searched_held_out.append(values[-1])
        self.final_objective.append(final)
        self.held_queries.append(len(own))
        self.failed.append(sum(1 for t in trials if t.result is not None and not t.result.ok))
        self.wall.append(float(wall))
        return unread


@dataclass
class StudyResults:
    study: Study
    budget: int
    objective: str
    minimize: bool
    target: float | None
    methods: dict[str, MethodRuns]
    problems: list[str]
    """Runs missing, unfinished, failed, damaged or of another method: reported, and left out of the statistics."""
    interval: str = "t"
    """How the 95 % intervals are computed: ``t`` (Student) or ``bootstrap`` (percentile, 2,000 resamples)."""
    cut: list[str] = field(default_factory=list)
    """Runs that made more evaluations than the budget (continued with a larger one): only their first count."""
    reference: tuple[tuple[Objective, ...], list[float]] | None = None
    """A multi-objective study's objectives and reference point: its runs are compared by hypervolume."""
    held: FinalHeldOut = field(default_factory=FinalHeldOut)
    """The fidelity the held-out values are read at, and why not the final one where the runs searched a lower."""
    held_seconds: float | None = None
    """The time budget within which each run's held-out architecture is chosen among its own evaluations, where it
    ended some run before the others (so ``budget``, which every other column counts, is the fewest any run made):
    NB201's protocol reports the best of each run's own queries in its time budget. None: chosen within ``budget``."""
    unread: list[str] = field(default_factory=list)
    """The runs whose chosen architecture a user's space no longer reads, why: their final fidelity's values are left
    out (the report's note), as ``show`` of such a run leaves them out."""

    def shown(self, value: float) -> float:
        """A score as the objective's own value; 0 as 0 (``-0.0`` printed '-0.00000', a difference of two methods that
        tied on every seed read as a small one)."""
        return 0.0 - value if self.minimize else value

    # --- tables ---------------------------------------------------------------------------------
    def anytime(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean and 95 % interval of the best value after each query, over the seeds with a success by then."""
        runs = self.methods[method]
        mean, low, high = mean_interval(np.vstack(runs.curves), self.interval)
        if self.minimize:
            mean, low, high = -mean, -high, -low
        return mean, low, high

    def covered(self, method: str) -> np.ndarray:
        """How many of the method's seeds have a value (a success) after each query."""
        return np.isfinite(np.vstack(self.methods[method].curves)).sum(axis=0)

    def at_budgets(self, budgets: list[int]) -> dict[str, list[tuple[float, float, float]]]:
        """Mean and 95 % interval of the best value at each budget, per method."""
        out = {}
        for label in self.methods:
            mean, low, high = self.anytime(label)
            out[label] = [(float(mean[b - 1]), float(low[b - 1]), float(high[b - 1])) for b in budgets]
        return out

    def auc_start(self) -> int:
        """The first query (1-based) every run has a value at, ignoring runs with no success in the budget.

        Each run's area starts there, so every area covers the same queries: a run whose first
        evaluations failed is not credited with the good values it found later as if it had them early.
        """
        firsts = [int(np.argmax(np.isfinite(c))) for r in self.methods.values() for c in r.curves
                  if np.isfinite(c).any()]
        return max(firsts, default=0) + 1

    def areas(self, method: str) -> np.ndarray:
        """Each seed's area under its best-so-far curve from :meth:`auc_start` (NaN: no success in the budget)."""
        start = self.auc_start() - 1
        return np.array([area_under_curve(c[start:]) for c in self.methods[method].curves])

    def over_seeds(self, values: list[float] | np.ndarray, scores: bool = True) -> tuple[float, float, float]:
        """Mean and 95 % interval (the study's kind) of one value per seed, over the seeds with one; ``scores`` (an
        area, say) are given in the objective's own sign. The report gave areas and held-out values as bare means
        beside intervals, 89.81 and 89.82 with no word of their spread over seeds."""
        mean, low, high = (float(v[0]) for v in mean_interval(np.asarray(values, dtype=np.float64)[:, None],
                                                                 self.interval))
        return (0.0 - mean, 0.0 - high, 0.0 - low) if scores and self.minimize else (mean, low, high)

    def auc(self, method: str) -> float:
        """The mean area over the seeds that have one."""
        areas = self.areas(method)
        areas = areas[np.isfinite(areas)]
        return self.shown(float(np.mean(areas))) if len(areas) else math.nan

    def to_target(self, method: str) -> Censored | None:
        """Queries to the target over seeds, censored at the budget (each run's scores are cut there)."""
        if self.target is None:
            return None
        goal = -self.target if self.minimize else self.target
        return censored_quantiles([queries_to_target(s, goal) for s in self.methods[method].scores])

    def common_seeds(self) -> list[int]:
        sets = [set(r.seeds) for r in self.methods.values()]
        return sorted(set.intersection(*sets)) if sets else []

    def finals(self, budget: int, seeds: list[int] | None = None) -> dict[str, np.ndarray]:
        """Best score at ``budget`` per method on ``seeds`` (default: those every method finished), NaN where a
        method has no run of a seed."""
        seeds = self.common_seeds() if seeds is None else seeds
        return {label: np.array([runs.curves[runs.seeds.index(s)][budget - 1] if s in runs.seeds else math.nan
                                 for s in seeds]) for label, runs in self.methods.items()}

    def ranks(self, budgets: list[int]) -> dict[str, float]:
        """Average rank of each method over the common seeds and the given budgets (1 is best).

        A run with no success yet at a budget ranks below every run that has one (ties share).
        """
        per_budget = []
        for budget in budgets:
            finals = self.finals(budget)
            if finals and len(next(iter(finals.values()))):
                per_budget.append(average_ranks(np.column_stack(list(finals.values()))))
        mean = np.mean(per_budget, axis=0) if per_budget else [math.nan] * len(self.methods)
        return dict(zip(self.methods, map(float, mean)))

    def tests(self, budget: int) -> list[PairedTest]:
        """Each pair of methods tested on the seeds both finished: on those every method finished, one method's
        killed or unfinished run took its seed from every other pair's test (5 shared seeds tested as 1)."""
        every = sorted(set().union(*(runs.seeds for runs in self.methods.values())))
        return paired_tests(self.finals(budget, every))


def other_run(method: Method, seed: int, config: object, study_files: dict[str, str] | None = None,
              run_files: dict[str, str] | None = None) -> str | None:
    """What differs between ``method`` at ``seed`` and the run a folder holds; None when it is that run.

    A folder can hold another method's run: two names that made one folder name (``bananas:gp`` and
    ``bananas-gp``) in a study made by an older nasloop, which did not refuse such names. Crediting it to both
    would be silent.
    A ``pretrained`` file the run names by another path (resumed after the file moved) is the same file when
    its recorded sha256 (``run_files``) is the study's (``study_files``).
    """
    if not isinstance(config, dict):
        return "its store records no configuration"
    wanted = {"strategy": method.strategy, "predictor": method.predictor, "seed": seed,
              "strategy_options": method.strategy_options, "predictor_options": method.predictor_options}
    for key, value in wanted.items():
        same = (same_but_moved_files(_plain(value), _plain(config.get(key)), study_files or {}, run_files or {})
                if key == "predictor_options" else _plain(config.get(key)) == _plain(value))
        if not same:
            return f"it was run with {key} {config.get(key)!r}, not {value!r}"
    return None


def other_grid(study: Study, config: object) -> str | None:
    """What differs between the study's grid and the run a folder holds (another space, dataset, objective...);
    None when it is of this study. A run copied or moved into a study from elsewhere is no seed of it: its results
    (a TransNAS run's accuracies) would be averaged with the study's (NB201 ones) unseen. The budget may differ (a run
    continued past it is cut, and listed); a store without some field (an older one) is not refused for it."""
    if not isinstance(config, dict):
        return None  # refused by other_run
    for name, value in study.grid().items():
        if name in ("budget", "max_seconds") or name not in config:
            continue
        if name == "dataset" and None in (value, config[name]):  # a study, or a method of it, that reads no dataset
            continue  # (older runs recorded CIFAR-10, read by nothing)
        stored = config[name]
        if name == "dataset" and stored is not None:  # begun before names were canonical (the space is the same)
            stored = canonical_dataset(study.base.space, str(stored))
        if name == "objectives":  # a bare name, stored before they were refused, was maximised: it is its :max
            stored, value = directed(stored), directed(value)
        if _plain(stored) != _plain(value):
            return f"{name} {config[name]!r}, not the study's {value!r}"
    return None


def _folder_owners(study: Study) -> dict[str, str]:
    """The first method of the study whose run folder each method's is: its own, unless the file system takes two
    recorded folders for one (``Evolution`` and ``evolution`` on macOS, in a study made before such names got
    folders apart), where the second method's runs are the first's. One folder name recorded twice (``bananas:gp``,
    ``bananas-gp``) is :func:`other_run`'s to tell."""
    owners: dict[str, str] = {}
    seen: dict[tuple[int, int], tuple[str, str]] = {}
    for method in study.methods:
        folder = study.run_dir(method, 0).parent
        try:
            found = folder.stat()
        except OSError:  # not made yet
            continue
        first, name = seen.setdefault((found.st_dev, found.st_ino), (method.label, folder.name))
        owners[method.label] = first if name != folder.name else method.label
    return owners


def _plain(value: object) -> object:
    """A value as JSON reads it back (tuples as lists), so a method's options compare with a stored run's."""
    return json.loads(json.dumps(value, default=str))


def collect(study: Study, target: float | None = None, interval: str = "t") -> StudyResults:
    """Read every run of ``study``; a run that is missing, unfinished, damaged or another method's is listed, not used.

    Every column is computed from each run's first ``budget`` evaluations; with a time budget that ended
    some run first, from the queries every run made (the fewest any run made), but the held-out columns, whose
    architecture is each run's best among its own evaluations in its time budget (NB201's protocol).
    """
    budget = study.base.budget or 0
    read: list[tuple[str, int, list[Trial], str | None, float, object]] = []
    timed_out: list[int] = []  # the evaluations of each run its time budget ended
    problems: list[str] = []
    objective, minimize = study.base.objective, study.base.minimize
    owners = _folder_owners(study)
    for method, seed in study.runs():
        run_dir = study.run_dir(method, seed)
        state = run_state(run_dir)
        if state not in ("finished", "failed"):
            problems.append(f"{method.label} seed {seed}: {state} ({run_dir})")
            continue
        if owners.get(method.label, method.label) != method.label:
            problems.append(f"{method.label} seed {seed}: {run_dir.parent} is the folder of method "
                            f"'{owners[method.label]}' on this file system (which ignores letter case, as macOS and "
                            "Windows do); left out rather than credited to both: run the study again in another --out")
            continue
        try:
            with RunStore.in_run_dir(run_dir, readonly=True) as store:
                trials = store.evaluations()
                run_objective = store.get_meta("objective")
                wall = store.get_meta("wall_seconds") or 0.0
                spent = float(store.counts()["cost"])
                minimize = bool(store.get_meta("minimize"))
                config = store.get_meta("config")
                reason = store.get_meta("stop_reason")
                kept = of_table_now(config, store.get_meta(HELD_OUT_KEY))  # None: looked up in another table
                differs = other_run(method, seed, config, study.pretrained_files,
                                    store.get_meta("pretrained_files") or {})
        except NasloopError as exc:
            problems.append(f"{method.label} seed {seed}: damaged ({exc})")
            continue
        if differs:  # a seed of its own differs too: "another method's" was said of this method's seed-5 run
            whose = "another seed's" if differs.startswith("it was run with seed ") else "another method's"
            problems.append(f"{method.label} seed {seed}: {run_dir} holds {whose} run ({differs}); "
                            "left out rather than credited to this method")
            continue
        if (other := other_grid(study, config)) is not None:
            problems.append(f"{method.label} seed {seed}: {run_dir} holds a run made for another grid ({other}); "
                            "left out: move it out of the study and run the same 'nasloop compare' to run this seed")
            continue
        if state == "failed" and stopped_short(study.base, len(trials), spent):  # a run stopped short on an error
            # is no result, said with why (the report gave 'failed' alone); one whose whole budget failed (every
            # architecture it tried) is one: no success, not a seed left out; its fix where the method is written
            why = (f": {as_method_advice(in_study_terms(reason, study.folder), study.sources.get(method.label))}"
                   if isinstance(reason, str) and reason else "")
            problems.append(f"{method.label} seed {seed}: {state}{why} ({run_dir})")
            continue
        if not trials:  # a time budget spent before its first evaluation: nothing to compare at any query
            problems.append(f"{method.label} seed {seed}: no evaluation before its time budget ran out ({run_dir})")
            continue
        objective = objective or run_objective
        read.append((method.label, seed, trials, run_objective, wall, kept))
        if study.base.max_seconds is not None and spent >= study.base.max_seconds:
            timed_out.append(len(trials))
    # A time budget that ended some run first: compare over the queries every such run made, not a last value
    # carried to the budget (a run that stopped short otherwise, its space exhausted, keeps its last value).
    fewest = min(timed_out or [len(trials) for _, _, trials, *_ in read], default=0)
    own = study.base.budget or max((len(trials) for _, _, trials, *_ in read), default=0)  # the held-out's
    held_seconds = study.base.max_seconds if timed_out and fewest < own else None  # choice: its run's own
    if budget == 0 or (timed_out and fewest < budget):
        budget = fewest
    reference = ((study.base.objective_list(), list(study.base.reference_point or ()))
                 if study.base.num_objectives > 1 else None)
    methods: dict[str, MethodRuns] = {}
    cut, unread = [], []
    held = final_held_out(study.base, held_out_metric(objective or "") if reference is None and read else None,
                          objective=objective)
    for label, seed, trials, run_objective, wall, kept in read:
        if study.base.budget and len(trials) > study.base.budget:
            cut.append(f"{label} seed {seed} ({len(trials)} evaluations)")
        if why := methods.setdefault(label, MethodRuns(label)).add(
                seed, trials, budget, held_out_metric(run_objective or ""), wall, reference, held,
                own if held_seconds else None, kept):
            unread.append(f"The final fidelity's values of {label} seed {seed} are left out: {why}.")
    if reference is not None:
        objective, minimize = "hypervolume", False
    return StudyResults(study, budget, objective or "val_accuracy", minimize, target, methods, problems, interval, cut,
                        reference, held, held_seconds if reference is None else None, unread)
