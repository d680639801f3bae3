"""A study's figures, as PNG and SVG: anytime curves, queries to the target, ranks over the budget.

Each method keeps one colour, line style and marker across every figure of a study, so the
figures read in greyscale too. Figures are drawn with matplotlib's Agg backend: no display needed.
"""
from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from .assemble import metric_unit
from .held_imports import imported
from .metric_heads import with_unit
from .plot_fonts import fit_fonts
from .replaced_files import replaced
from .study_results import StudyResults
from .study_stats import censored_quantiles, queries_to_target
from .value_texts import space_and_dataset

if TYPE_CHECKING:  # matplotlib is imported on first use: a search that draws nothing never pays for it
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def pyplot() -> ModuleType:
    """matplotlib.pyplot on the Agg backend, which draws files without a display."""
    matplotlib = imported("matplotlib")

    matplotlib.use("Agg")
    plt = imported("matplotlib.pyplot")

    return plt


def styles(labels: list[str]) -> dict[str, dict[str, object]]:
    """The colour, line style and marker of each method, in the study's method order."""
    plt = pyplot()
    colours = plt.get_cmap("tab10").colors
    return {label: {"color": colours[i % len(colours)], "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
                    "marker": MARKERS[i % len(MARKERS)]} for i, label in enumerate(labels)}


def save_figure(figure: Figure, folder: Path, name: str) -> list[Path]:
    """``figure`` as ``name``.png and .svg in ``folder``, closed. Each is saved beside and renamed into place: a
    Ctrl-C or a full disk in mid-save left a truncated PNG where the whole earlier figure had been. The partial
    file's suffix is not the format's, so the format is named."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    fit_fonts(figure)  # a method named in CJK letters was drawn as boxes, warning for each
    verbatim(figure)
    try:
        box = tight_box(figure, DPI)
        for path in paths:
            with replaced(path) as partial:
                figure.savefig(partial, format=path.suffix[1:], dpi=DPI, bbox_inches=box)
    finally:
        pyplot().close(figure)
    return paths


DPI = 130
"""The PNG's dots per inch (the SVG's size is in inches)."""


def tight_box(figure: Figure, dpi: float) -> Bbox:
    """The figure's bounding box in inches, padded, as ``savefig(bbox_inches="tight")`` measures it at ``dpi``:
    measured once for both files. Given "tight", each savefig laid the whole figure out once more only to measure
    it, a quarter of a report's figure time (a study's report spends most of its time on its figures)."""
    rcParams = imported("matplotlib").rcParams

    kept = figure.get_dpi()
    figure.set_dpi(dpi)
    try:
        figure.draw_without_rendering()  # places what only a draw places: tick labels, titles, axis labels
        box = figure.get_tightbbox(figure.canvas.get_renderer())
    finally:
        figure.set_dpi(kept)
    return box.padded(rcParams["savefig.pad_inches"])


def verbatim(figure: Any) -> None:
    """Draw the figure's texts as written: matplotlib read a method named ``r$a$n`` as math (an italic 'a' between
    'r' and 'n') and one named ``evo$_{x$`` failed the whole report. Tick numbers (log axes write theirs as math)
    are set as the figure is drawn, after this."""
    Text = imported("matplotlib.text").Text

    for text in figure.findobj(Text):
        if "$" in text.get_text():
            text.set_parse_math(False)


def whole_numbers(axis: Any) -> None:
    """Ticks at whole numbers only: a short study's query axis read '2.5 queries'."""
    MaxNLocator = imported("matplotlib.ticker").MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def plain_numbers(axis: Any) -> None:
    """A log axis's ticks written as numbers (1, 10, 100), not powers: a query axis read 10^0, 10^1, and one of
    under a decade its in-between ticks 2x10^0, 3x10^0 (those still labelled only where matplotlib would)."""
    ticker = imported("matplotlib.ticker")
    FuncFormatter, LogFormatter = ticker.FuncFormatter, ticker.LogFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axis.set_minor_formatter(LogFormatter(labelOnlyBase=False))


def anytime_figure(results: StudyResults, folder: Path, log_x: bool = False) -> list[Path]:
    """Best value so far against queries: the mean over seeds and its 95 % band, per method."""
    return save_figure(anytime_plot(results, log_x), folder, "anytime_log" if log_x else "anytime")


def legend(axes: Any, handles: list | None = None) -> None:
    """The legend of the labelled lines, or of ``handles``: matplotlib leaves out a line whose label begins with
    '_', so a method named ``_baseline`` was missing from it. None where a study has nothing to draw yet (every run
    failed or damaged), for which matplotlib printed a warning among the study's output."""
    handles = axes.get_legend_handles_labels()[0] if handles is None else handles
    if handles:
        axes.legend(handles=handles, labels=[handle.get_label() for handle in handles], fontsize=8)


def anytime_plot(results: StudyResults, log_x: bool = False) -> Figure:
    """The anytime figure, unsaved.

    Each line starts at the query by which every seed of its method has a success: a mean over only the
    seeds with a value so far would rise and fall as seeds join it. The axis spans the seeds' own values:
    with two or three seeds a t band is wide (t = 12.7 with two), and drawn whole it reached past 100 %
    accuracy and flattened every line; cut at the axis, it still shows where it leaves the values.
    """
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    looks = styles(list(results.methods))
    queries = np.arange(1, results.budget + 1)
    handles = []
    for label in results.methods:
        mean, low, high = (np.where(_everyone(results, label), values, np.nan) for values in results.anytime(label))
        look, seeds, succeeded = looks[label], len(results.methods[label].seeds), _succeeding(results, label)
        counted = succeeded if succeeded == seeds else f"{succeeded}/{seeds}"
        handles += axes.plot(queries, mean, label=f"{label} ({counted})", color=look["color"],
                             linestyle=look["linestyle"], marker=look["marker"],
                             markevery=max(1, results.budget // 8), markersize=4)
        if np.isfinite(low).any():
            axes.fill_between(queries, low, high, color=look["color"], alpha=0.15, linewidth=0)
    if results.target is not None:
        handles.append(axes.axhline(results.target, color="black", linewidth=0.8, linestyle=":",
                                    label=f"target ({results.target:g})"))
    axes.set_xlim(1, max(results.budget, 2))  # the queries, drawn or not: a log axis of no line was a ValueError
    if log_x:
        axes.set_xscale("log")
        plain_numbers(axes.xaxis)
    else:
        whole_numbers(axes.xaxis)
    axes.set_xlabel("queries (distinct evaluations)")
    base = results.study.base
    if results.reference is None:
        axes.set_ylabel(with_unit(f"best {results.objective} so far", base.space, base.evaluator, results.objective))
    else:
        axes.set_ylabel(f"{results.objective} so far")  # a front's hypervolume only grows
    axes.set_title(f"{space_and_dataset(base.space, base.dataset, base.fidelity)}: mean and 95 % CI over seeds")
    axes.grid(alpha=0.3)
    legend(axes, handles)
    span = _seed_values_span(results)
    if span is not None:
        axes.set_ylim(*span)
    return figure


def _succeeding(results: StudyResults, label: str) -> int:
    """The method's seeds with a success within the budget (a run whose every evaluation failed has none)."""
    return sum(bool(np.isfinite(curve).any()) for curve in results.methods[label].curves)


def _everyone(results: StudyResults, label: str) -> np.ndarray:
    """The queries by which every seed that ever succeeds has: a seed with no success in the whole budget would
    otherwise hide its method's line, and the legend says how many seeds the line is over."""
    return results.covered(label) == _succeeding(results, label)


def _seed_values_span(results: StudyResults) -> tuple[float, float] | None:
    """The range of every seed's best-so-far values where its method's line is drawn, and the target,
    padded by 5 % (in the objective's own sign: a minimised one is stored negated)."""
    values = [] if results.target is None else [np.array([results.target])]
    for label, runs in results.methods.items():
        curves = np.vstack(runs.curves)
        drawn = curves[:, _everyone(results, label)]
        values.append(-drawn[np.isfinite(drawn)] if results.minimize else drawn[np.isfinite(drawn)])
    values = np.concatenate(values) if values else np.array([])
    if not values.size:
        return None
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) or 0.5
    return low - pad, high + pad


def target_figure(results: StudyResults, folder: Path) -> list[Path]:
    """Queries each seed needed to reach the target: box plot and the seeds as points; censored at the top."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    looks = styles(list(results.methods))
    ceiling = results.budget * 1.08
    for position, label in enumerate(results.methods, start=1):
        goal = -results.target if results.minimize else results.target
        values = np.array([queries_to_target(s, goal) for s in results.methods[label].scores])
        shown = np.where(np.isinf(values), ceiling, values)
        box = censored_quantiles(values)  # the table's statistics, so the box and the table agree
        axes.bxp([{"med": min(box.median, ceiling), "q1": min(box.q25, ceiling), "q3": min(box.q75, ceiling),
                   "whislo": shown.min(), "whishi": shown.max()}], positions=[position], widths=0.5,
                 showfliers=False)
        jitter = np.random.default_rng(position).uniform(-0.12, 0.12, len(shown))
        axes.scatter(position + jitter, shown, s=14, color=looks[label]["color"], marker=looks[label]["marker"],
                     zorder=3)
    axes.axhline(results.budget, color="grey", linewidth=0.8, linestyle="--")
    axes.text(0.55, ceiling, f"not reached within {results.budget}", fontsize=7, va="bottom")
    axes.set_xticks(range(1, len(results.methods) + 1), list(results.methods), rotation=20, ha="right", fontsize=8)
    axes.set_ylabel("queries to the target")
    base = results.study.base  # the figure alone, saved apart from the report, said no more than 'the target'
    unit = metric_unit(base.space, base.evaluator, results.objective) if results.reference is None else ""
    axes.set_title(f"target: {results.objective} {results.target:g}{f' {unit}' * bool(unit)}", fontsize=9)
    # from 0: where no seed reached it, the axis spanned 20.0 to 21.6 around the ceiling alone; to room above the
    # ceiling for its words, which overlapped the frame
    axes.set_ylim(0, results.budget * 1.16)
    whole_numbers(axes.yaxis)
    axes.grid(axis="y", alpha=0.3)
    return save_figure(figure, folder, "queries_to_target")


def rank_figure(results: StudyResults, folder: Path, points: int = 20) -> list[Path]:
    """Average rank (1 is best) of each method over the common seeds, along the budget."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    looks = styles(list(results.methods))
    budgets = sorted({max(1, math.ceil(results.budget * k / points)) for k in range(1, points + 1)})
    ranks = {label: [] for label in results.methods}
    for budget in budgets:
        for label, rank in results.ranks([budget]).items():
            ranks[label].append(rank)
    handles = []
    for label, values in ranks.items():
        look = looks[label]
        handles += axes.plot(budgets, values, label=label, color=look["color"], linestyle=look["linestyle"],
                             marker=look["marker"], markersize=4)
    axes.invert_yaxis()
    whole_numbers(axes.xaxis)
    axes.set_xlabel("queries")
    axes.set_ylabel("average rank (1 = best)")
    axes.grid(alpha=0.3)
    legend(axes, handles)
    return save_figure(figure, folder, "ranks")


def study_figures(results: StudyResults, folder: Path) -> list[Path]:
    """Every figure a study report shows (queries-to-target only where there is a target)."""
    paths = anytime_figure(results, folder) + anytime_figure(results, folder, log_x=True) + rank_figure(results, folder)
    if results.target is not None:
        paths += target_figure(results, folder)
    return paths


def run_figure(trials: list, summary: dict, folder: Path) -> Path:
    """One run: each evaluation's objective (failures marked at the bottom) and the best so far.

    With several objectives a successful evaluation may lack the first (HW-NAS-Bench has no Edge TPU
    latency for 4,699 NB201 cells): it is marked apart, not as failed, since the report counts it a success."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    objective = summary["objective"]
    values = [t.result.metrics.get(objective, math.nan) if t.result is not None and t.result.ok else math.nan
              for t in trials]
    values = [v if v is not None else math.nan for v in values]
    queries = np.arange(1, len(values) + 1)
    minimise = summary.get("minimize", False)
    best = (np.fmin if minimise else np.fmax).accumulate(np.asarray(values, dtype=np.float64)) if values else []
    ok = [t.result is not None and t.result.ok for t in trials]
    failed = [q for q, v, good in zip(queries, values, ok) if not math.isfinite(v) and not good]
    lacking = [q for q, v, good in zip(queries, values, ok) if not math.isfinite(v) and good]
    drawn = bool(np.isfinite(values).any())
    if drawn:
        axes.scatter(queries, values, s=10, color="tab:blue", label="evaluation")
        axes.plot(queries, best, color="black", label="best so far")
    else:  # no value to draw: marks on a 0 of the objective's axis read as evaluations that scored 0
        axes.set_yticks([])
        axes.set_title(f"no evaluation has a {objective}", fontsize=9)
    low = np.nanmin(values) if drawn else 0.0
    if failed:
        axes.scatter(failed, [low] * len(failed), marker="x", color="tab:red", label="failed")
    if lacking:
        axes.scatter(lacking, [low] * len(lacking), marker="|", color="0.5", label=f"no {objective}")
    axes.set_xlabel("evaluation")
    axes.set_ylabel(with_unit(objective, summary["space"], summary["evaluator"], objective))
    axes.grid(alpha=0.3)
    legend(axes)
    return save_figure(figure, folder, "trajectory")[0]


def pareto_figure(trials: list, summary: dict, folder: Path) -> Path:
    """A run with two or more objectives: every evaluation on the first two, the front marked.

    With two objectives the front is drawn as the edge of the region it dominates, a staircase whose
    steps turn by the objectives' directions: ``steps-post`` only fits the second objective minimised
    (``val_accuracy:max,params_m:min``); for a maximised one (``params_m:min,val_accuracy:max``) it would run
    through points no member reaches. With three or more, the members seen on two axes are not a front
    there (a member may look dominated, being better in a third objective), so no staircase is drawn."""
    plt = pyplot()
    first, second = (o.rsplit(":", 1)[0] for o in summary["objectives"][:2])
    done = [t for t in trials if t.result is not None and t.result.ok
            and first in t.result.metrics and second in t.result.metrics]
    front_ids = {m["trial"] for m in summary["pareto_front"]}
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    axes.scatter([t.result.metrics[second] for t in done], [t.result.metrics[first] for t in done], s=12,
                 color="0.6", marker="o", label="evaluation")
    members = sorted((t for t in done if t.id in front_ids), key=lambda t: t.result.metrics[second])
    xs, ys = [t.result.metrics[second] for t in members], [t.result.metrics[first] for t in members]
    count = len(summary["objectives"])
    if count == 2:  # along x, a minimised second objective keeps each member's level until the next one
        second_minimised = summary["objectives"][1].endswith(":min")
        axes.step(xs, ys, where="post" if second_minimised else "pre", color="black", linestyle="--")
    label = f"Pareto front{'' if count == 2 else f' of all {count} objectives'} ({len(members)})"
    axes.scatter(xs, ys, s=28, color="tab:red", marker="D", label=label, zorder=3)
    axes.set_xlabel(with_unit(summary["objectives"][1], summary["space"], summary["evaluator"], second))
    axes.set_ylabel(with_unit(summary["objectives"][0], summary["space"], summary["evaluator"], first))
    if summary.get("hypervolume") is not None:
        axes.set_title(f"hypervolume {summary['hypervolume']:.4g}" + (f" ({count} objectives)" if count > 2 else ""),
                       fontsize=9)
    axes.grid(alpha=0.3)
    legend(axes)
    return save_figure(figure, folder, "pareto_front")[0]
