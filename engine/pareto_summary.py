"""The Pareto front of a multi-objective run and its hypervolume, read from the stored metrics.

An evaluation without a finite value of every objective (HW-NAS-Bench has no Edge TPU latency for
4,699 NB201 cells) stays out of both; ``lacking_objectives`` counts them per metric, so that a front
drawn from part of the run is said to be.

The reference point is the run's ``reference_point`` when given (in the metrics' own units),
else the worst value of each objective among the run's evaluations, which makes the number a
run's own measure of spread rather than something to compare across runs: compare runs with
a shared ``--reference-point``.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from .objectives import (GrowingFront, Objective, hypervolume, nadir, oriented_point, oriented_values, pareto_mask,
                         parse_objectives)
from .errors import DataError, NasloopError
from .evaluators.replicates import replicate_bookkeeping
from .options import takes
from .registry import EVALUATORS
from .store import RunStore, Trial
from .store_rows import RESTORE, check_scores
from .value_texts import metric_text


def run_objectives_of(store: RunStore, config: Mapping[str, Any]) -> tuple[Objective, ...]:
    """The objectives a stored run optimised (meta written at its start; one objective for older runs)."""
    stored = store.get_meta("objectives")
    if isinstance(stored, list) and stored:
        return parse_objectives(stored)
    metric = store.get_meta("objective") or config.get("objective") or "val_accuracy"
    minimize = store.get_meta("minimize")  # older runs recorded it only in their configuration
    return (Objective(metric, bool(config.get("minimize") if minimize is None else minimize)),)


def checked_objectives(store: RunStore, trials: Sequence[Trial]) -> tuple[Objective, ...]:
    """The run's objectives, once each of ``trials`` is found to hold the score its result gives under them (see
    :func:`.store_rows.check_scores`): what ``show``, ``export`` and a resume check before they read a run."""
    objectives = run_objectives_of(store, store.get_meta("config") or {})
    check_scores(store.path, trials, objectives)
    return objectives


def front(trials: list[Trial], objectives: tuple[Objective, ...]) -> tuple[list[Trial], np.ndarray]:
    """The successful evaluations nobody dominates, and every successful evaluation's oriented values."""
    scored = [(t, oriented_values(t.result.metrics, objectives)) for t in trials if t.result is not None
              and t.result.ok]
    scored = [(t, v) for t, v in scored if v is not None]
    if not scored:
        return [], np.zeros((0, len(objectives)))
    points = np.array([v for _, v in scored], dtype=np.float64)
    mask = pareto_mask(points)
    members = sorted((t for (t, _), keep in zip(scored, mask) if keep),
                     key=lambda t: oriented_values(t.result.metrics, objectives), reverse=True)
    return members, points


def hypervolume_curve(trials: list[Trial], objectives: tuple[Objective, ...],
                      reference_point: Sequence[float]) -> list[float]:
    """The hypervolume of the front after each evaluation, against ``reference_point`` (the metrics' own units):
    a multi-objective run's best-so-far, which a study compares like one objective's. NaN before the first
    success with every objective."""
    growing = GrowingFront(objectives, reference_point)
    return [growing.add(t.result.metrics) if t.result is not None and t.result.ok else growing.hypervolume
            for t in trials]


def hypervolume_text(summary: Mapping[str, Any]) -> str:
    """A summary's hypervolume in words, with its reference point, for ``show`` and ``report`` alike."""
    hv = summary["hypervolume"]
    if hv is None and summary.get("reference_point") and summary["pareto_front"]:  # an infinite volume, as JSON
        point = ", ".join(f"{v:g}" for v in summary["reference_point"])
        return (f"- (the volume against reference point {point} overflows a float; give a --reference-point "
                "nearer the front)")
    if hv is None:
        return "-"
    point = ", ".join(f"{v:g}" for v in summary["reference_point"])
    if not summary.get("reference_point_given", True):  # runs stored before the key were given one or none alike
        return (f"{hv:.6g} (reference point {point}: the worst value of each objective seen, as none was given, "
                "so the front's end points add nothing; give --reference-point for a figure to compare runs by)")
    beaten = "" if hv or not summary["pareto_front"] else (
        "; no evaluation is better than it in every objective: give a worse --reference-point")
    return f"{hv:.6g} (reference point {point}){beaten}"


def front_texts(summary: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each front member's objectives as text for ``show``: four significant digits, or as many more as it takes
    for values that differ to read differently (Edge GPU latencies of 1.4457 and 1.4461 ms both read 1.446, and the
    slower, less accurate member looked dominated by the other)."""
    front = summary["pareto_front"]
    texts: list[dict[str, str]] = [{} for _ in front]
    for metric in (front[0]["metrics"] if front else ()):
        values = [m["metrics"][metric] for m in front]
        digits = next((d for d in range(4, 17) if len({f"{v:.{d}g}" for v in values}) == len(set(values))), 17)
        for text, value in zip(texts, values):
            text[metric] = f"{value:.{digits}g}"
    return texts


def ranked_by(summary: Mapping[str, Any]) -> str:
    """What "best" is ranked by, for ``show`` and the run report alike: the objective (with several, the one the
    strategy steered by, not the whole front), and whether it was minimised. Said with one objective too: a run
    of ``--objective params_m --minimize`` showed its "best architecture" above its validation accuracy, which
    read as the most accurate cell found."""
    marks = [*(["minimised"] if summary.get("minimize") else []),
             *(["bookkeeping"] if summary["objective"] in summary.get("bookkeeping_objectives", ()) else [])]
    return f" by {summary['objective']}" + (f" ({', '.join(marks)})" if marks else "")


def left_out_texts(summary: Mapping[str, Any]) -> list[str]:
    """What the front and hypervolume leave out, one phrase per objective some evaluations lack."""
    return [f"{count} evaluation{'s' * (count != 1)} without a finite {metric}"
            for metric, count in summary.get("lacking_objectives", {}).items()]


def rank_key(trial: Trial, objectives: Sequence[Objective]) -> tuple[float, ...]:
    """What orders ``trial`` among a run's best (the highest first): its score, then its later objectives, higher is
    better (-inf where one is missing), then the earlier trial. Ranked by the score alone, the best of several
    objectives was the first of those tied on the first one, which a later one could dominate (two NAGO networks
    trained to 10 % accuracy: the larger shown best, the smaller alone on the front), and ties are common where a
    validation split is small or many architectures share a size."""
    metrics = trial.result.metrics if trial.result is not None else {}
    later = []
    for objective in objectives[1:]:
        value = metrics.get(objective.metric)
        finite = value is not None and math.isfinite(float(value))
        later.append(objective.oriented(float(value)) if finite else -math.inf)
    return (trial.score if trial.score is not None else -math.inf, *later, -trial.id)


def best_measured(trials: Sequence[Trial], objectives: tuple[Objective, ...]) -> dict[str, dict[str, Any]]:
    """Each objective's best finite value among the successful evaluations, with its trial and architecture: what a
    run none of whose evaluations has every objective (so none is ranked best or sits on the front) measured."""
    best: dict[str, dict[str, Any]] = {}
    for objective in objectives:
        values = [(oriented[0], -t.id, t) for t in trials if t.result is not None and t.result.ok
                  and (oriented := oriented_values(t.result.metrics, (objective,))) is not None]
        if values:
            trial = max(values, key=lambda v: v[:2])[2]
            best[objective.metric] = {"trial": trial.id, "arch": trial.arch,
                                      "value": float(trial.result.metrics[objective.metric])}
    return best


def no_best_text(summary: Mapping[str, Any]) -> str | None:
    """Why a run whose evaluations succeeded has no best architecture, for ``show`` and ``report`` alike: none had
    every objective (``show`` read "best by val_accuracy: -" though the accuracy was measured); None otherwise."""
    if "best_measured" not in summary:
        return None
    return f"no evaluation has a finite value of every objective: {'; '.join(left_out_texts(summary))}"


def best_measured_texts(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(objective, its best measured value with the trial and architecture) for each objective some evaluation
    measured, in a run none of whose evaluations has them all (see :func:`best_measured`)."""
    return [(metric, f"{metric_text(best['value'])} (trial {best['trial']}: {best['arch']})")
            for metric, best in summary.get("best_measured", {}).items()]


def stored_reference_point(store: RunStore, config: Mapping[str, Any],
                           objectives: Sequence[Objective]) -> list[float] | None:
    """The run's recorded ``reference_point``, once it is one finite number per objective: a damaged one failed
    'show' and 'report' as an unexpected ValueError (text) or was cut to the objectives' count unsaid (too long)."""
    given = config.get("reference_point")
    if given is None:
        return None
    if (not isinstance(given, list) or len(given) != len(objectives)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in given)):
        raise DataError(f"{store.path} is damaged: its run configuration's reference_point is {given!r:.80}, not "
                        f"{len(objectives)} finite numbers, one per objective ({', '.join(map(str, objectives))}); "
                        f"{RESTORE}")
    return [float(v) for v in given]


def bookkeeping_objectives(objectives: Sequence[Objective], config: Mapping[str, Any]) -> list[str]:
    """The metrics among a stored run's ``objectives`` that its evaluator records as bookkeeping (how a result was
    computed, not what it measured), which a new search refuses as objectives (:mod:`.run_checks`): a run stored
    before that refusal was ranked by its torch threads or count of draws as if it had measured the networks.

    The evaluator is not built (``show`` reads a run without its data, device or plugins' code): its class's
    declared bookkeeping and condition metrics are read, with the spreads, draws and counts of draws
    (:func:`.evaluators.replicates.replicate_bookkeeping`) of an evaluator taking ``replicates``. A user's evaluator
    not loaded in this process, or one that no longer loads, is not judged; nor is a run of the evaluator's default
    objective, which it measures: most runs' ``show`` then imports no evaluator (training's imports torch, seconds)."""
    name = config.get("evaluator") or "tabular"
    named = config.get("objective") or config.get("objectives")
    if not named or not isinstance(name, str) or name not in EVALUATORS.names_at_hand():
        return []
    try:
        factory = EVALUATORS.get(name)
    except NasloopError:
        return []
    declared = (*factory.declared_bookkeeping, *factory.condition_metrics)
    replicates = (config.get("evaluator_options") or {}).get("replicates", 1) if takes(factory, "replicates") else 1
    kept = set(replicate_bookkeeping(declared, replicates if isinstance(replicates, int) else 1))
    return [o.metric for o in objectives if o.metric in kept]


def bookkeeping_note(summary: Mapping[str, Any]) -> str:
    """What ``show`` and the run report say of a run optimising bookkeeping (:func:`bookkeeping_objectives`), once;
    '' for any other run."""
    kept = summary.get("bookkeeping_objectives") or []
    if not kept:
        return ""
    return (f"{', '.join(kept)} {'is' if len(kept) == 1 else 'are'} bookkeeping of the {summary['evaluator']} "
            "evaluator (how a result was computed, not what it measured): this run was stored before searches "
            f"refused {'it' if len(kept) == 1 else 'them'} as an objective, so what it ranked by "
            f"{'it' if len(kept) == 1 else 'them'} measures nothing of the architectures")


def pareto_summary(store: RunStore, config: Mapping[str, Any]) -> dict[str, Any]:
    """``pareto_front`` and ``hypervolume`` entries for a run with several objectives, and ``bookkeeping_objectives``
    for one that optimised bookkeeping (:func:`bookkeeping_objectives`); nothing otherwise."""
    objectives = run_objectives_of(store, config)
    kept = {"bookkeeping_objectives": names} if (names := bookkeeping_objectives(objectives, config)) else {}
    if len(objectives) < 2:
        return kept
    trials = store.evaluations()
    members, points = front(trials, objectives)
    given = stored_reference_point(store, config, objectives)
    if given is not None:
        reference = np.array(oriented_point(objectives, given))
    elif len(points):
        reference = nadir(points)
    else:
        reference = None
    ok = [t.result.metrics for t in trials if t.result is not None and t.result.ok]
    lacking = {o.metric: sum(oriented_values(m, (o,)) is None for m in ok) for o in objectives}
    return {
        **kept,
        "objectives": [str(o) for o in objectives],
        "lacking_objectives": {metric: count for metric, count in lacking.items() if count},
        "pareto_front": [{"arch": t.arch, "trial": t.id,
                          "metrics": {o.metric: t.result.metrics[o.metric] for o in objectives}} for t in members],
        "hypervolume": None if reference is None else hypervolume(points, reference),
        "reference_point": None if reference is None else oriented_point(objectives, reference),  # back in units
        "reference_point_given": given is not None,
        **({"best_measured": best_measured(trials, objectives)} if ok and not members else {}),
    }
