"""Predictor evaluation: train on n benchmark cells, rank all the others (``nasloop predictors evaluate``).

Works on any space whose benchmark lists its cells. The split recipe is the one the FLAN
reference was measured with, so numbers compare directly: for seed s,
``numpy.random.default_rng(s).permutation(N)`` over the benchmark's cells in its own fixed order
(NB201: the official index); the first n are the training set, the rest the test set.

Ranking quality is what a search needs from a predictor, so the figures are rank statistics
(Kendall tau, Spearman rho, from scipy) and the precision of the predicted top: the share of the
true top 1 % / 5 % of test cells that the predictor also places in its own top 1 % / 5 %.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import time
from typing import Any, Callable, Container, Mapping, Sequence

import numpy as np

from ..predictors.base import checked_prediction
from .assemble import build_space, choose_tabulated_space, dataset_for, space_cells, table_context
from .context import refuse_resized
from .data.paths import check_data_dir
from .errors import ConfigError, as_list, one_line
from .held_imports import imported
from .hooks import check_hooks
from .objectives import parse_objectives
from .options import TORCH_SEEDS, option_names
from .plugin_crash import plugin_crashes_named
from .predictor_trial import tried_predictor
from .registry import PREDICTORS, SEARCH_SPACES
from .resolved_options import ResolvedOptions

__all__ = ["evaluate_predictors", "precision_at"]

EVALUATE_STOPS = "the command would stop at its first fit, after those of the predictors before it"
"""Why a predictor that fails when tried is refused before any fit: failing at its own, it stopped the command after
the fits of the predictors before it, minutes or hours of them."""


def precision_at(predicted: np.ndarray, truth: np.ndarray, fraction: float) -> float:
    """Share of the true top ``fraction`` that is also in the predicted top ``fraction`` (ties by position)."""
    k = max(1, int(round(fraction * len(truth))))
    true_top = np.argsort(-truth, kind="stable")[:k]
    predicted_top = np.argsort(-predicted, kind="stable")[:k]
    return len(np.intersect1d(true_top, predicted_top)) / k


def ranking_measures(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Kendall tau, Spearman rho and the top-1 % / 5 % precisions; all nan when ``predicted`` is one value for
    every cell, which ranks nothing (precisions would read off arbitrary ties)."""
    if not np.ptp(predicted) > 0:
        return dict.fromkeys(("kendall_tau", "spearman", "precision_top1", "precision_top5"), math.nan)
    stats = imported("scipy.stats")  # at the first ranking: a refusal of bad input never waits for it
    return {"kendall_tau": float(stats.kendalltau(predicted, truth).statistic),
            "spearman": float(stats.spearmanr(predicted, truth).statistic),
            "precision_top1": precision_at(predicted, truth, 0.01),
            "precision_top5": precision_at(predicted, truth, 0.05)}


def _check_sizes(train_sizes: Sequence[int], seeds: Sequence[int], cells: int) -> None:
    if not train_sizes or not seeds:
        raise ConfigError("give at least one train size and one seed, e.g. --train-sizes 8,40,128 --seeds 5")
    for n in train_sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n < cells - 1:
            raise ConfigError(f"train size {n!r} must be an integer from 2 to {cells - 2}: a predictor learns a "
                              f"ranking from at least two cells, and of the space's {cells} at least two must be "
                              "left to rank")
    for what, values in (("train size", train_sizes), ("seed", seeds)):
        twice = next((v for v in values if list(values).count(v) > 1), None)
        if twice is not None:  # the CLI refuses '8,8'; from Python each repeat was fitted and recorded again
            raise ConfigError(f"{what} {twice} is given twice; give each {what} once (a repeat counts its fits twice)")
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 0 <= s < TORCH_SEEDS:
            # as a search's --seed: 2**64 passed, then failed in torch's words ("Overflow when unpacking long long")
            raise ConfigError(f"seed {s!r} must be an integer from 0 to {TORCH_SEEDS - 1}")


def ranked_metric(metric: str | None, task_metric: str, task_minimize: bool) -> tuple[str, bool]:
    """The metric ``--metric`` names and whether lower is better: ``edgegpu_latency:min`` as in ``--objectives``;
    without a direction, the task's own for its metric and higher-is-better for any other (a latency ranked as
    higher-is-better counted the slowest cells as the top ones)."""
    if metric is None:
        return task_metric, task_minimize
    try:
        parsed = parse_objectives(metric)
    except ConfigError:  # its advice named --objectives, which predictors evaluate and compare --predictors lack
        parsed = ()
    if len(parsed) != 1:
        raise ConfigError(f"--metric takes one metric, got {metric!r}; write METRIC, or METRIC:min where lower is "
                          "better (e.g. --metric edgegpu_latency:min), and rank by each metric in its own run")
    name = parsed[0].metric
    return name, parsed[0].minimize if _stated(metric) else task_minimize and name == task_metric


def _stated(metric: str) -> bool:
    """Whether ``--metric`` gives its direction (``edgegpu_latency:min``)."""
    return metric.rstrip().endswith((":max", ":min"))


def unstated_direction_note(metric: str | None, task_metric: str) -> str | None:
    """The note for a ``--metric`` other than the task's own without a direction, which is ranked higher-is-better:
    ``--metric edgegpu_latency`` counted the slowest cells as the top ones, without a word. None where the metric is
    the task's or says its direction. A note, not a refusal: the README's form with ``:min`` stays, and a bare
    higher-is-better metric (``test_accuracy``) is ranked rightly."""
    if metric is None or _stated(metric) or metric.strip() == task_metric:
        return None
    name = metric.strip()
    return (f"--metric {name} is ranked higher-is-better (the top-k precisions count the cells of highest {name}); "
            f"write --metric {name}:min if lower is better (a latency, an energy, params_m, flops_m), or {name}:max "
            "to say higher is better")


def _lacking_note(benchmark: Any, cells: Sequence[Any], targets: np.ndarray, metric: str, task: Any,
                  fidelity: int | None, space: str) -> str | None:
    """The note for task cells without a value of the ranked metric, which are neither drawn nor ranked: an
    ``edgetpu_latency`` ranked 10,926 of NB201's 15,625 cells, said only by ``test_size`` in ``--json``. None where
    every cell with the task's own result has one (cells of another task, as NB301's NAS-Bench-360 cells beside
    its CIFAR-10 ones, are not the task's to count)."""
    own = targets if metric == task.metric else benchmark.metric_values(cells, task.name, task.metric, fidelity)
    lacking = int((np.isfinite(own) & ~np.isfinite(targets)).sum())
    if not lacking:
        return None
    have = int(np.isfinite(targets).sum())
    return (f"{lacking:,} of the {lacking + have:,} {space} {task.name} cells have no {metric} in the table; left "
            f"out of the training draw and of the test set alike, they leave {have:,} cells to train on and rank (test "
            f"size: {have:,} less the training cells)")


@plugin_crashes_named()  # a user's predictor raising in a fit, named as a search's fit names it (.plugin_crash)
def evaluate_predictors(predictors: Sequence[str], train_sizes: Sequence[int], seeds: Sequence[int],
                        space: str = "nb201", dataset: str | None = None, data_dir: str | os.PathLike | None = None,
                        metric: str | None = None, fidelity: int | None = None,
                        predictor_options: Mapping[str, Mapping[str, Any]] | None = None,
                        space_options: Mapping[str, Any] | None = None,
                        on_result: Callable[[dict], None] | None = None,
                        skip: Container[tuple[str, int, int]] = (),
                        keep_cell: Callable[[Any], bool] | None = None,
                        on_note: Callable[[str], None] | None = None,
                        resolved: ResolvedOptions | None = None) -> list[dict]:
    """Fit each predictor on n cells and rank the rest; one record per (predictor, train size, seed).

    Each record holds predictor, space, dataset, metric (``:min`` when lower is better), fidelity (the epochs
    ranked; None for a table of final results only), train_size, seed, test_size, kendall_tau,
    spearman, precision_top1, precision_top5, fit_seconds, predict_seconds (ranking every
    test cell) and resolved_options: the options the predictor filled in from the space, benchmark or context
    (zero-cost's proxy, the forest's features; see :mod:`.resolved_options`), which its name and the options given
    do not say, and which a later nasloop may fill in otherwise. ``on_result`` sees each record as soon as it
    exists, so a CLI can stream them (and a study store them); ``skip`` holds (predictor, train size, seed)
    already measured. ``keep_cell`` restricts both splits to the benchmark cells it accepts, so a figure can be
    taken on the same cell set as an outside anchor (e.g. NB201 without cells that only differ in dead ops).
    Without ``dataset``, the space benchmark's first task is ranked, as the CLI's (a default of cifar10 refused every
    TNB101 space), and a task's name in other letter case is recorded as the benchmark spells it.
    Everything is checked before the first fit, so a typo fails in one line, not an hour in.
    ``on_note`` hears, before then, of a predictor that will build a network for every cell it reads
    (a proxy nothing stores), which can take hours where a stored proxy takes a second, and of the task's cells
    without a value of ``metric``, which neither split holds. ``resolved``: the options a predictor study recorded
    its space and predictors resolved, given back as they are built (a study continued after a default changed
    fits the predictor it began with), and what they resolve now, which the study records.
    """
    predictors, train_sizes, seeds = (as_list(what, values, f"e.g. {what}={example}") for what, values, example in (
        ("predictors", predictors, "['flan']"), ("train_sizes", train_sizes, "[8, 40]"), ("seeds", seeds, "[0, 1, 2]")))
    check_hooks("evaluate_predictors", on_result=on_result, on_note=on_note)
    check_data_dir(data_dir)  # '' read the default folders, unseen
    predictor_options = dict(predictor_options or {})
    if not isinstance(space, str):  # a space object was looked up by its repr: "unknown search space '<...>'"
        raise ConfigError(f"space takes a search space's name, e.g. space='nb201', got {one_line(repr(space), 80)}")
    mistyped = next((name for name, opts in predictor_options.items() if not isinstance(opts, Mapping)), None)
    if mistyped is not None:  # {'flan': 5} failed as Python's "'int' object is not iterable"
        raise ConfigError(f"predictor_options maps each predictor to its options, e.g. {{'{mistyped}': {{...}}}}; "
                          f"got {one_line(repr(predictor_options[mistyped]), 80)} for '{mistyped}'")
    dataset = dataset_for(space, dataset)
    factories = {name: PREDICTORS.get(name) for name in predictors}
    if not factories:
        raise ConfigError("name at least one predictor to evaluate, e.g. --predictor flan")
    stray = sorted(set(predictor_options) - set(factories))
    if stray:
        raise ConfigError(f"predictor options given for '{stray[0]}', which is not being evaluated; "
                          f"evaluated: {', '.join(factories)}")
    factory = SEARCH_SPACES.get(space)  # without a table, require_benchmark says why, in the command's words
    context = dataclasses.replace(table_context(factory, dataset, str(data_dir) if data_dir else None,
                                                space_options=space_options), on_note=on_note)
    if resolved is not None and not isinstance(resolved, ResolvedOptions):  # a record failed as an AttributeError
        raise ConfigError(f"resolved takes a ResolvedOptions (ResolvedOptions(record), the record a study keeps), "
                          f"got {one_line(repr(resolved), 80)}")
    resolved = resolved if resolved is not None else ResolvedOptions(on_note=on_note)
    search_space = resolved.build("space", space, factory, lambda given: build_space(space, context, **given),
                                  dict(space_options or {}))
    benchmark = context.require_benchmark("predictors evaluate", search_space,
                                          lambda: choose_tabulated_space(search_space))
    refuse_resized(search_space, "predictors evaluate ranks predictions against")
    task = benchmark.task(dataset)
    fidelity = benchmark.check(task.name, fidelity)
    cells = space_cells(benchmark, search_space)
    if keep_cell is not None:
        cells = [c for c in cells if keep_cell(c)]
    unstated = unstated_direction_note(metric, task.metric)
    metric, minimize = ranked_metric(metric, task.metric, task.minimize)
    ranked = f"{metric}:min" if minimize else metric  # in each record: a --json line says what it ranked
    targets = benchmark.metric_values(cells, task.name, metric, fidelity)
    if np.isnan(targets).all():
        held = sorted(k for k, v in benchmark.query(cells[0], task.name, fidelity).metrics.items()
                      if isinstance(v, (int, float)))
        raise ConfigError(f"metric '{metric}' is not in the {space} {task.name} table; choose from "
                          f"{', '.join(held) or task.metric} (default {task.metric})")
    # only cells with a result for the task can be trained on or ranked (NB301's 725 of its 924 for CIFAR-10):
    # drawing from all of them trained on about 78 % of the cells asked for
    kept = np.flatnonzero(np.isfinite(targets))
    lacking = _lacking_note(benchmark, cells, targets, metric, task, fidelity, space)
    cells, targets = [cells[i] for i in kept], targets[kept]
    _check_sizes(train_sizes, seeds, len(cells))
    if minimize:
        targets = -targets  # predictors rank higher-is-better, and the top-k precisions count the best cells

    shared = set.intersection(*(set(predictor_options.get(name, {})) for name in factories))

    def build(name: str, seed: int) -> Any:
        try:
            return resolved.construct("predictor", name, factories[name], search_space,
                                      wiring={"context": context, "seed": seed}, given=predictor_options.get(name, {}))
        except ConfigError as exc:  # advise NAME.KEY when an option given to all is another predictor's own
            unknown = set(predictor_options.get(name, {})) - set(option_names(factories[name]))
            elsewhere = {key for other, factory in factories.items() if other != name for key in option_names(factory)}
            if not unknown & shared & elsewhere:
                if len(factories) > 1:  # a predictor's own hint names its option for one predictor alone
                    # a blend's advice is quoted: --predictor-opt 'members={...}'
                    advice = re.sub(r"--predictor-opt ('?)(\w+=)", rf"--predictor-opt \1{name}.\2", str(exc))
                    raise ConfigError(advice) from None
                raise
            raise ConfigError(f"{exc}; give an option to one predictor only as NAME.KEY=VALUE (e.g. "
                              "--predictor-opt flan.ensemble=2)") from None

    search_space.check_encodings()  # one line naming the architecture, not a failure inside the first fit
    # every predictor's bad options fail before any note, and a user's that fails when tried before any fit
    first = min(max(min(train_sizes), 3), 64)  # as many architectures as its smallest fit, as a search's trial
    warmed = {name: tried_predictor(name, lambda: build(name, 0), search_space, True, 0, first, EVALUATE_STOPS,
                                    saves=False) for name in factories}
    for name, warm in warmed.items():  # warm shared caches (e.g. FLAN's batched space graph)
        warm.prepare()
        if space in warm.pretrained_on and on_note is not None:
            on_note(f"{name} starts from weights pretrained on {space} cells, whose labels it has seen: some of its "
                    "test cells may be among them, so its tau overstates what it learns from its training cells; "
                    "pretrain on another space to measure transfer")
        if warm.builds_networks and on_note is not None:
            on_note(context.computing_note(search_space, name, f"the {len(cells):,} networks it reads",
                                           warm.computed_proxies))

    for note in (lacking, unstated):
        if note is not None and on_note is not None:
            on_note(note)
    records: list[dict] = []
    for name in factories:
        for n in train_sizes:
            for seed in seeds:
                if (name, int(n), int(seed)) in skip:
                    continue
                order = np.random.default_rng(seed).permutation(len(cells))
                train, test = order[:n], order[n:]
                predictor = build(name, int(seed))
                started = time.perf_counter()
                predictor.fit([cells[i] for i in train], targets[train])
                fitted = time.perf_counter()
                mean, _ = checked_prediction(predictor, [cells[i] for i in test])
                predicted = time.perf_counter()
                measures = ranking_measures(mean, targets[test])
                if math.isnan(measures["kendall_tau"]) and on_note is not None:
                    on_note(f"{name} predicted one value for all {len(test):,} test cells after {n} training cells "
                            f"(seed {seed}), so its ranking measures are undefined (nan); check its options")
                record = {"predictor": name, "space": space, "dataset": dataset, "metric": ranked,
                          "fidelity": fidelity, "train_size": int(n),
                          "seed": int(seed), "test_size": int(len(test)), **measures,
                          "fit_seconds": fitted - started, "predict_seconds": predicted - fitted,
                          "resolved_options": resolved.ran_with("predictor", name)}
                records.append(record)
                if on_result is not None:
                    on_result(record)
    return records
