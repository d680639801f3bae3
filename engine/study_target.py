"""A study's target: the value its queries are counted to (by default the table's best), checked against what the
table allows, and its reference point checked to leave some cell of the table better."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .assemble import table_context
from .config import SearchConfig
from .errors import ConfigError, DataError, UnsupportedError
from .objectives import hypervolume, nadir, oriented_point
from .registry import EVALUATORS, SEARCH_SPACES


def study_target(given: float | None, base: SearchConfig) -> float | None:
    """The value a study's queries are counted to: ``--target``, or by default the table's best value of the
    compared metric where the space has a benchmark that lists its cells (a multi-objective study's target, a
    hypervolume, has no default). A target past what the table allows is refused: no run could reach it, and
    every method would read 'never' as if all had failed alike; so is one that every cell reaches (``0.9`` for an
    accuracy in %), which every method would read as reached at its first query."""
    several = base.num_objectives > 1
    if given is not None and not math.isfinite(given):
        raise ConfigError(f"--target must be a finite number, got {given}")
    if several and given is None:
        return None
    if several and given <= 0:  # reached by any first success
        raise ConfigError(f"--target {given:g} is a hypervolume here, which every run reaches with its first success "
                          "(a hypervolume is never negative); give a value above 0")
    space = SEARCH_SPACES.get(base.space)
    if space.benchmark is None or not answers_table(base):
        return given
    try:
        context = table_context(space, base.dataset, base.data_dir, space_options=base.space_options)
        task = context.benchmark.task(base.dataset)
        if several:  # may not pass the hypervolume of the table's own front, which only grows
            best = _table_hypervolume(context.benchmark, task.name, base, given)
            what = "the hypervolume of the table's front"
            minimize, worst = False, None
        else:  # the compared metric's own best ('--objective params_m --minimize': the smallest network)
            metric, minimize = (task.metric, task.minimize) if base.objective in (None, task.metric) else (
                base.objective, base.minimize)
            best, worst = _table_range(context.benchmark, task.name, metric, minimize, base.fidelity)
            what = f"the best {metric} any cell of the table has"
    except (ConfigError, DataError):  # its data folder or table gone
        if given is None:
            raise
        return given  # a given target needs no table: a study read where its data is not keeps working
    if given is None or best is None:
        return best if given is None else given
    if (given < best) if minimize else (given > best):
        raise ConfigError(f"--target {given:g} is past {what} ({best:g}), so no run can reach it; give a value "
                          f"{'of at least' if minimize else 'up to'} {best:g}"
                          + ("" if several else ", or leave --target out to count queries to the best"))
    if worst is not None and ((given >= worst) if minimize else (given <= worst)):
        raise ConfigError(f"--target {given:g} is {'at or above' if minimize else 'at or below'} the worst {metric} "
                          f"any cell of the table has ({worst:g}), so every run reaches it with its first success and "
                          f"every method ties; give a value {'below' if minimize else 'above'} {worst:g}, or leave "
                          "--target out to count queries to the best")
    return given


def answers_table(base: SearchConfig) -> bool:
    """Whether the study's evaluator answers exactly the table's values (``Evaluator.answers_table``), so what the
    table allows is what its runs can reach. A name this process cannot build (a report loads a study's plugins
    only for its space; a misspelt ``--evaluator`` is named when the plugins are built) is taken not to: its runs
    are checked against nothing, as a user's evaluator's are."""
    return base.evaluator in EVALUATORS and EVALUATORS.get(base.evaluator).answers_table


def _table_range(benchmark: Any, task: str, metric: str, minimize: bool,
                 fidelity: int | None) -> tuple[float | None, float | None]:
    """The best and worst values of ``metric`` over the table's cells, or None where the table lists no cells or has
    none of it: an ``--objective`` other than the task's had no default target, and a target past its best was
    taken."""
    try:
        values = benchmark.table_values(task, metric, fidelity)
    except UnsupportedError:
        return None, None
    if not np.isfinite(values).any():
        return None, None
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    return (low, high) if minimize else (high, low)


def _table_points(benchmark: Any, task: str, base: SearchConfig) -> np.ndarray | None:
    """Every cell of the table with a finite value of each objective, oriented higher-is-better (n × m), or None
    when the table lists no cells or some objective has a value for none of them."""
    objectives = base.objective_list()
    try:
        columns = [benchmark.table_values(task, o.metric, base.fidelity) for o in objectives]
    except UnsupportedError:  # a table that looks cells up without listing them
        return None
    if not all(np.isfinite(column).any() for column in columns):
        return None
    points = np.column_stack([column if not o.minimize else -column for o, column in zip(objectives, columns)])
    return points[np.isfinite(points).all(axis=1)]


def _table_hypervolume(benchmark: Any, task: str, base: SearchConfig, given: float | None = None) -> float | None:
    """The hypervolume of the table's own front against the study's reference point (the most a run can reach),
    or None where the table cannot say (see ``_table_points``). Where one cell's own box already holds ``given``,
    that box's volume, which ``given`` does not pass: the front's volume took 15 of the 23 s ``compare --target``
    spent before its first run with six objectives."""
    points = _table_points(benchmark, task, base)
    if points is None:
        return None
    reference = np.asarray(oriented_point(base.objective_list(), base.reference_point or ()))
    with np.errstate(over="ignore"):
        boxes = np.prod(points[(points > reference).all(axis=1)] - reference, axis=1)
    if given is not None and len(boxes) and given <= boxes.max():
        return float(boxes.max())
    return hypervolume(points, reference)


def refuse_empty_reference_point(base: SearchConfig) -> None:
    """A multi-objective study (or search) whose reference point no cell of the table beats in every objective: every
    run's hypervolume would be 0 at every query, and the report would compare those zeros as if the methods tied (a
    search ran on, bo's acquisition flat at 0). So is one so far from the front that its volume overflows a float:
    every curve was then left out of the report's table."""
    space = SEARCH_SPACES.get(base.space)
    if base.num_objectives < 2 or space.benchmark is None or not answers_table(base):
        return
    context = table_context(space, base.dataset, base.data_dir, space_options=base.space_options)
    objectives = base.objective_list()
    points = _table_points(context.benchmark, context.benchmark.task(base.dataset).name, base)
    if points is None:
        return
    reference = oriented_point(objectives, base.reference_point or ())
    given = ",".join(f"{v:g}" for v in base.reference_point or ())
    if (points > np.asarray(reference)).all(1).any():
        if _overflows(points, np.asarray(reference)):  # every curve was left out: "– (0/n seeds)", as if none ran
            raise ConfigError(f"the hypervolume of the table's front against --reference-point {given} overflows a "
                              "float, so no run's hypervolume could be computed; give a point nearer the front, e.g. "
                              "the table's worst of each: --reference-point " + _worst(objectives, points))
        return
    raise ConfigError(f"no cell of the table is better than --reference-point {given} in every objective "
                      f"({', '.join(map(str, objectives))}), so every hypervolume would be 0; give a point "
                      f"worse than the front, e.g. the table's worst of each: --reference-point "
                      + _worst(objectives, points))


def _overflows(points: np.ndarray, reference: np.ndarray) -> bool:
    """Whether the volume ``points`` dominate above ``reference`` is infinite. Bounded below by the largest box one
    point spans and above by the box of their best values, so the front of a whole table is computed only where
    neither bound decides."""
    above = points[(points > reference).all(axis=1)]
    with np.errstate(over="ignore"):
        if np.isinf(np.prod(above - reference, axis=1)).any():
            return True
        if np.isfinite(np.prod(above.max(axis=0) - reference)):
            return False
    return math.isinf(hypervolume(above, reference))


def _worst(objectives: Any, points: np.ndarray) -> str:
    """The table's worst value of each objective, in the metrics' units, as a --reference-point to suggest."""
    return ",".join(f"{o.oriented(float(v)):g}" for o, v in zip(objectives, nadir(points)))


def reference_example(base: SearchConfig) -> str:
    """An example of --reference-point for ``base``'s objectives: the table's worst value of each where a table
    answers the study, else a generic one (its words said '80,1.6 for val_accuracy:max,params_m:min' whatever the
    objectives and their order)."""
    space = SEARCH_SPACES.get(base.space)
    points = None
    if space.benchmark is not None and answers_table(base):
        context = table_context(space, base.dataset, base.data_dir, space_options=base.space_options)
        points = _table_points(context.benchmark, context.benchmark.task(base.dataset).name, base)
    if points is None or not len(points):
        return "e.g. --reference-point 80,1.6 for val_accuracy:max,params_m:min"
    return f"e.g. the table's worst of each: --reference-point {_worst(base.objective_list(), points)}"

