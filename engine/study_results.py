"""A study's runs read back into arrays, and the tables a paper needs computed from them.

Values are in the objective's own units and direction for display; the statistics work on the
score the strategies saw (higher is better), so a minimised objective is negated on the way in and
back on the way out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .errors import NasloopError
from .store import RunStore
from .study import Study, run_state
from .study_stats import (Censored, PairedTest, area_under_curve, average_ranks, best_so_far, censored_quantiles,
                          mean_interval, paired_tests, queries_to_target)


@dataclass
class MethodRuns:
    """The finished runs of one method: one row per seed."""

    label: str
    seeds: list[int] = field(default_factory=list)
    curves: list[np.ndarray] = field(default_factory=list)
    """Best-so-far score after each query (higher is better)."""
    scores: list[list[float]] = field(default_factory=list)
    held_out: list[float] = field(default_factory=list)
    """The held-out metric (test accuracy) of the architecture the run would return."""
    failed: list[int] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)


@dataclass
class StudyResults:
    study: Study
    budget: int
    objective: str
    minimize: bool
    target: float | None
    methods: dict[str, MethodRuns]
    problems: list[str]
    """Runs missing, unfinished or damaged: reported, and left out of the statistics."""
    interval: str = "t"
    """How the 95 % intervals are computed: ``t`` (Student) or ``bootstrap`` (percentile, 2,000 resamples)."""

    def shown(self, value: float) -> float:
        """A score as the objective's own value."""
        return -value if self.minimize else value

    # --- tables ---------------------------------------------------------------------------------
    def anytime(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        runs = self.methods[method]
        mean, low, high = mean_interval(np.vstack(runs.curves), self.interval)
        if self.minimize:
            mean, low, high = -mean, -high, -low
        return mean, low, high

    def at_budgets(self, budgets: list[int]) -> dict[str, list[tuple[float, float, float]]]:
        """Mean and 95 % interval of the best value at each budget, per method."""
        out = {}
        for label in self.methods:
            mean, low, high = self.anytime(label)
            out[label] = [(float(mean[b - 1]), float(low[b - 1]), float(high[b - 1])) for b in budgets]
        return out

    def auc(self, method: str) -> float:
        return self.shown(float(np.mean([area_under_curve(c) for c in self.methods[method].curves])))

    def to_target(self, method: str) -> Censored | None:
        if self.target is None:
            return None
        goal = -self.target if self.minimize else self.target
        return censored_quantiles([queries_to_target(s, goal) for s in self.methods[method].scores])

    def common_seeds(self) -> list[int]:
        sets = [set(r.seeds) for r in self.methods.values()]
        return sorted(set.intersection(*sets)) if sets else []

    def finals(self, budget: int) -> dict[str, np.ndarray]:
        """Best score at ``budget`` per method, on the seeds every method finished (for paired tests)."""
        seeds = self.common_seeds()
        return {label: np.array([runs.curves[runs.seeds.index(s)][budget - 1] for s in seeds])
                for label, runs in self.methods.items()}

    def ranks(self, budgets: list[int]) -> dict[str, float]:
        """Average rank of each method over the common seeds and the given budgets (1 is best)."""
        per_budget = []
        for budget in budgets:
            finals = self.finals(budget)
            if finals and len(next(iter(finals.values()))):
                per_budget.append(average_ranks(np.column_stack(list(finals.values()))))
        mean = np.mean(per_budget, axis=0) if per_budget else [math.nan] * len(self.methods)
        return dict(zip(self.methods, map(float, mean)))

    def tests(self, budget: int) -> list[PairedTest]:
        return paired_tests(self.finals(budget))


def held_out_metric(objective: str) -> str | None:
    """``test_accuracy`` for ``val_accuracy``: the metric that says whether validation was overfit."""
    return "test_" + objective[len("val_"):] if objective.startswith("val_") else None


def collect(study: Study, target: float | None = None, interval: str = "t") -> StudyResults:
    """Read every run of ``study``; a run that is missing, unfinished or damaged is listed, not used."""
    budget = study.base.budget or 0
    methods: dict[str, MethodRuns] = {}
    problems: list[str] = []
    objective, minimize = study.base.objective, study.base.minimize
    for method, seed in study.runs():
        run_dir = study.run_dir(method, seed)
        state = run_state(run_dir)
        if state != "finished":
            problems.append(f"{method.label} seed {seed}: {state} ({run_dir})")
            continue
        try:
            with RunStore.in_run_dir(run_dir, readonly=True) as store:
                trials = store.evaluations()
                run_objective = store.get_meta("objective")
                wall = store.get_meta("wall_seconds") or 0.0
                minimize = bool(store.get_meta("minimize"))
        except NasloopError as exc:
            problems.append(f"{method.label} seed {seed}: damaged ({exc})")
            continue
        objective = objective or run_objective
        scores = [math.nan if t.score is None else float(t.score) for t in trials]
        runs = methods.setdefault(method.label, MethodRuns(method.label))
        length = budget or len(scores)
        runs.seeds.append(seed)
        runs.scores.append(scores)
        runs.curves.append(best_so_far(scores, length))
        held = held_out_metric(run_objective or "")
        chosen = max((t for t in trials if t.score is not None), key=lambda t: (t.score, -t.id), default=None)
        runs.held_out.append(float(chosen.result.metrics.get(held, math.nan)) if chosen and held else math.nan)
        runs.failed.append(sum(1 for t in trials if t.result is not None and not t.result.ok))
        runs.wall.append(float(wall))
    if budget == 0:  # a time budget: compare over the queries every run made
        budget = min((len(c) for r in methods.values() for c in r.curves), default=0)
        for runs in methods.values():
            runs.curves = [c[:budget] for c in runs.curves]
    return StudyResults(study, budget, objective or "val_accuracy", minimize, target, methods, problems, interval)

