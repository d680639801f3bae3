"""Objectives of a search: which metrics, in which direction, and the Pareto front they define.

A search has one objective (``--objective val_accuracy``) or several
(``--objectives val_accuracy:max,params_m:min``). Strategies see every objective oriented so
that higher is better; the store keeps every metric as measured, so the front and its
hypervolume are computed from the stored metrics at any time. Non-dominated sorting and the
hypervolume are botorch's (``is_non_dominated``, ``DominatedPartitioning``), not written here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import ConfigError
from .held_imports import imported

DIRECTIONS = {"max": False, "min": True}


@dataclass(frozen=True)
class Objective:
    """One metric to optimise; ``minimize`` flips it so that a strategy always maximises."""

    metric: str
    minimize: bool = False

    def oriented(self, value: float) -> float:
        return -value if self.minimize else value

    def __str__(self) -> str:
        return f"{self.metric}:{'min' if self.minimize else 'max'}"


def parse_objectives(spec: str | Sequence[str]) -> tuple[Objective, ...]:
    """``"val_accuracy:max,params_m:min"`` (or a list of such items) as objectives; ``:max`` is the default."""
    items = [part.strip() for part in spec.split(",")] if isinstance(spec, str) else [str(p).strip() for p in spec]
    objectives = []
    for item in items:
        metric, _, direction = item.partition(":")
        if not metric or (direction and direction not in DIRECTIONS):
            raise ConfigError(f"objective '{item}' is not METRIC[:max|:min]; write e.g. "
                              "--objectives val_accuracy:max,params_m:min")
        objectives.append(Objective(metric, DIRECTIONS[direction or "max"]))
    names = [o.metric for o in objectives]
    if not objectives:
        raise ConfigError("--objectives names no metric; write e.g. --objectives val_accuracy:max,params_m:min")
    if len(set(names)) != len(names):
        raise ConfigError(f"--objectives names a metric twice ({', '.join(names)}); name each metric once")
    return tuple(objectives)


def _bare_item(items: Sequence[str] | None) -> str | None:
    """The first of ``items`` that names a metric without a direction (``flops_m``); None where each gives one."""
    return next((str(item).strip() for item in items or () if str(item).strip() and ":" not in str(item)), None)


def _no_direction(name: str) -> ConfigError:
    return ConfigError(f"--objectives item '{name}' gives no direction, and would be maximised; write {name}:max "
                       f"or {name}:min (lower is better for a cost: a latency, an energy, params_m, flops_m)")


def check_directions(items: Sequence[str] | None) -> None:
    """Each of a new run's ``--objectives`` must say its direction: a bare name was maximised, so
    ``val_accuracy:max,flops_m`` searched for the most FLOPs without a word. Checked for new runs only (a stored
    run's bare name resumes as it began, maximised)."""
    name = _bare_item(items)
    if name is not None:
        raise _no_direction(name)


def continues_bare(given: Sequence[str] | None, stored: Sequence[str] | None, folder: object) -> bool:
    """Whether ``given`` are the bare ``--objectives`` that the study in ``folder`` stored (``stored``; None where
    there is none), which then goes on with them as it began.

    A study made before a bare name was refused (:func:`check_directions`) stored its names bare, and they were
    maximised; the command that made it, given again, was refused, and its ``:max`` form was refused as another
    grid. That command goes on, its names meaning what they did (each run's configuration says ``:max``: see
    :func:`directed`). Any other bare item is refused, naming the study's objectives where it has the same metrics,
    so that the fix is to copy them."""
    name = _bare_item(given)
    if name is None:
        return False
    written_as = [str(item).strip() for item in given or ()]
    if stored is not None and written_as == [str(item).strip() for item in stored]:
        return True
    if stored is not None and [o.metric for o in parse_objectives(stored)] == [
            item.partition(":")[0].strip() for item in written_as]:
        written = ",".join(map(str, parse_objectives(stored)))
        raise ConfigError(f"--objectives item '{name}' gives no direction; the study in {folder} has --objectives "
                          f"{written}: give --objectives {written} to continue it, or another --out")
    raise _no_direction(name)


def directed(items: Any) -> Any:
    """``items`` each with its direction (``val_accuracy`` as ``val_accuracy:max``, what a bare name meant when a
    study or run stored one): a study's runs are configured so, and two lists of objectives compared so. Anything
    that is no list of objectives (None, a damaged record) is returned as given."""
    if not isinstance(items, (str, list, tuple)):
        return items
    try:
        return [str(objective) for objective in parse_objectives(items)]
    except ConfigError:
        return items


def check_objective_mappings(objectives: object) -> None:
    """YAML reads ``- val_accuracy: max`` (a space after the colon) and ``{val_accuracy: max}`` as mappings, which
    were refused as "must be a list of strings" without saying how to write them; say it, naming the items."""
    given = list(objectives.items()) if isinstance(objectives, Mapping) else objectives
    if not isinstance(given, list) or not any(isinstance(item, (Mapping, tuple)) for item in given):
        return
    written = []
    for item in given:
        pairs = item.items() if isinstance(item, Mapping) else [item] if isinstance(item, tuple) else None
        written += [f"{metric}:{direction}" for metric, direction in pairs] if pairs is not None else [str(item)]
    raise ConfigError(f"objectives are METRIC:max or METRIC:min strings, got a mapping; write objectives: "
                      f"[{', '.join(written)}] or objectives: {','.join(written)}, with no space after the colon "
                      "(YAML reads 'val_accuracy: max' as a mapping)")


def check_reference_mapping(reference: object, objectives: object) -> None:
    """``reference_point: {val_accuracy: 80, flops_m: 250}`` in a config file was refused as "must be a list of
    numbers", not saying in which order; say it, with the values in the objectives' order where they name them."""
    if not isinstance(reference, Mapping):
        return
    metrics = [str(item).partition(":")[0].strip() for item in objectives] if isinstance(objectives, list) else []
    values = [reference[m] for m in metrics] if sorted(metrics) == sorted(map(str, reference)) else \
        list(reference.values())
    raise ConfigError(f"reference_point is one number per objective, in the order of objectives, got a mapping; "
                      f"write reference_point: [{', '.join(map(str, values))}]"
                      f"{' for objectives ' + ', '.join(metrics) if metrics else ''}")


def check_single_objective(metric: str | None) -> None:
    """``--objective`` names one metric: ``params_m:min`` or ``val_accuracy,params_m`` there is ``--objectives``
    syntax, refused here saying so, since the metric check would call it an unknown metric 'params_m:min', without
    saying how to minimise."""
    if metric is None:
        return
    name, _, direction = metric.rpartition(":")
    if name and direction in DIRECTIONS:
        raise ConfigError(f"--objective '{metric}' gives a direction, which is --objectives syntax; write --objective "
                          f"{name}{' --minimize' if DIRECTIONS[direction] else ''}, or --objectives {metric},... "
                          "for several objectives")
    if "," in metric:
        example = ",".join(part.strip() + ":max" for part in metric.split(","))
        raise ConfigError(f"--objective '{metric}' names several metrics; --objective takes one, and several go in "
                          f"--objectives, e.g. --objectives {example}")


def check_reference_point(reference_point: Sequence[float] | None, objectives: Sequence[Objective]) -> None:
    """A reference point must give one finite value per objective, in the metrics' own units."""
    if reference_point is None:
        return
    if len(reference_point) != len(objectives):
        raise ConfigError(f"--reference-point has {len(reference_point)} values for {len(objectives)} objectives "
                          f"({', '.join(map(str, objectives))}); give one value per objective")
    if not all(math.isfinite(v) for v in reference_point):
        raise ConfigError(f"--reference-point must be finite numbers, got {list(reference_point)}")


def oriented_values(metrics: Mapping[str, float], objectives: Sequence[Objective]) -> tuple[float, ...] | None:
    """The objectives of one result, higher is better; None if any is missing or not finite (an infinite
    accuracy is damage, an infinite loss a diverged training: neither may sit on a front)."""
    values = []
    for objective in objectives:
        value = metrics.get(objective.metric)
        if value is None or not math.isfinite(float(value)):
            return None
        values.append(objective.oriented(float(value)))
    return tuple(values)


def replicate_variances(metrics: Mapping[str, float], objectives: Sequence[Objective]) -> tuple[float, ...] | None:
    """Each objective's noise (the variance of a mean of replicates) in a successful result's ``metrics``, where the
    evaluator measured it."""
    replicates = metrics.get("replicates")
    if replicates is None or replicates <= 1:
        return None
    spreads = [metrics.get(f"{o.metric}_std") for o in objectives]
    if any(s is None or math.isnan(s) for s in spreads):
        return None
    return tuple(float(s) ** 2 / replicates for s in spreads)


def pareto_mask(points: np.ndarray, deduplicate: bool = False) -> np.ndarray:
    """Which rows of ``points`` (n × m, higher is better) no other row dominates (equal rows all kept,
    or only the first with ``deduplicate``)."""
    torch = imported("torch")  # a multi-objective search imports torch and botorch here, mid-run: see held_imports
    is_non_dominated = imported("botorch.utils.multi_objective.pareto").is_non_dominated
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    return is_non_dominated(torch.as_tensor(points, dtype=torch.float64), deduplicate=deduplicate).numpy()


def hypervolume(points: np.ndarray, reference: Sequence[float]) -> float:
    """The volume dominated by ``points`` (n × m, higher is better) above ``reference`` (oriented too).

    By botorch's box decomposition (``DominatedPartitioning``), not its ``Hypervolume``: the latter's recursion took
    3.5 CPU minutes on a 177-member front of six NB201 objectives (3,000 random cells), so ``show`` hung for minutes
    after a search of half a second; the decomposition gives the same volume in 7 s (0.2 s against 0.45 s for a
    63-member front of five)."""
    torch = imported("torch")
    DominatedPartitioning = imported("botorch.utils.multi_objective.box_decompositions.dominated").DominatedPartitioning
    ref = np.asarray(reference, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64).reshape(-1, len(ref))
    points = points[(points > ref).all(axis=1)]  # points not above the reference add nothing
    if len(points) == 0:
        return 0.0
    front = points[pareto_mask(points, deduplicate=True)]
    return float(DominatedPartitioning(ref_point=torch.as_tensor(ref), Y=torch.as_tensor(front)).compute_hypervolume())


def oriented_point(objectives: Sequence[Objective], values: Sequence[float]) -> list[float]:
    """A point given in the metrics' own units (a ``--reference-point``) with every objective made higher-is-better."""
    return [o.oriented(float(v)) for o, v in zip(objectives, values)]


def nadir(points: np.ndarray) -> np.ndarray:
    """The worst value of each objective among ``points`` (oriented): a reference point when none is given."""
    return np.min(points, axis=0)


class GrowingFront:
    """The Pareto front of results arriving one by one and its hypervolume against a fixed reference (in the
    metrics' own units), recomputed only when a result joins the front: a multi-objective run's best-so-far,
    for a study's curves and a live TensorBoard log alike. Without a reference the volume stays NaN."""

    def __init__(self, objectives: Sequence[Objective], reference_point: Sequence[float] | None) -> None:
        self.objectives = tuple(objectives)
        self.reference = None if reference_point is None else oriented_point(objectives, reference_point)
        # Oriented values of the non-dominated results so far; results with equal values are all members, as
        # in ``show``'s front (:func:`pareto_mask`), so that a count of them agrees with it.
        self.members: list[tuple[float, ...]] = []
        self.hypervolume = math.nan  # NaN until a result has every objective

    def add(self, metrics: Mapping[str, float]) -> float:
        """Take one successful result's metrics (one lacking an objective is left out); the hypervolume now."""
        values = oriented_values(metrics, self.objectives)
        if values is None:
            return self.hypervolume
        if values in self.members:
            self.members.append(values)
            return self.hypervolume  # a tie adds a member but no volume
        kept = pareto_mask(np.array([*self.members, values], dtype=np.float64))
        if not kept[-1]:
            return self.hypervolume  # dominated: the volume stands
        self.members = [m for m, keep in zip(self.members, kept) if keep] + [values]
        if self.reference is not None:
            self.hypervolume = hypervolume(np.array(self.members), self.reference)
        return self.hypervolume
