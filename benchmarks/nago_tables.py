"""Tables, curves and figures of :mod:`nago_search` (a sibling module, imported as the benchmarks import stats_util)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
from script_args import not_a_script
from stats_util import format_mean

from nasloop.engine.objectives import hypervolume, pareto_mask
from nasloop.engine.plots import pyplot, save_figure, styles
from nasloop.engine.study_stats import best_so_far, mean_interval

CHANCE = 10.0  # CIFAR-10 validation accuracy of a constant guess, %


def curves(runs: list[dict[str, Any]], budget: int) -> np.ndarray:
    """Best objective so far, seeds x evaluations."""
    return np.asarray([best_so_far(r["scores"], budget) for r in runs])


def front_points(metrics: list[dict[str, float]]) -> np.ndarray:
    """(val_accuracy, params_m) of every successful evaluation."""
    rows = [(m["val_accuracy"], m["params_m"]) for m in metrics if "val_accuracy" in m and "params_m" in m]
    return np.asarray(rows, dtype=np.float64).reshape(-1, 2)


def hv_of(points: np.ndarray, reference: list[float]) -> float:
    """Hypervolume of (val_accuracy max, params_m min) points above the shared reference."""
    if len(points) == 0:
        return 0.0
    oriented = np.column_stack([points[:, 0], -points[:, 1]])
    return hypervolume(oriented, [reference[0], -reference[1]])


def hv_curve(run: dict[str, Any], budget: int, reference: list[float]) -> np.ndarray:
    """Hypervolume of the first b evaluations, b = 1..budget."""
    return np.asarray([hv_of(front_points(run["metrics"][:b]), reference) for b in range(1, budget + 1)])


def pareto_of(points: np.ndarray) -> np.ndarray:
    """The non-dominated rows of (val_accuracy max, params_m min) points, sorted by params."""
    if len(points) == 0:
        return points
    mask = pareto_mask(np.column_stack([points[:, 0], -points[:, 1]]))
    kept = np.unique(points[mask], axis=0)
    return kept[np.argsort(kept[:, 1])]


def wilcoxon_line(name: str, bo: np.ndarray, other: np.ndarray, what: str) -> str:
    """Paired two-sided Wilcoxon signed-rank test of bo against ``name`` on the seeds' final values."""
    diff = bo - other
    wins, ties, losses = int(np.sum(diff > 0)), int(np.sum(diff == 0)), int(np.sum(diff < 0))
    head = (f"| bo vs {name} | {len(diff)} | {wins}/{ties}/{losses} | {np.median(diff):+.3f} | "
            f"{np.mean(diff):+.3f} | ")
    if wins + losses == 0:
        return head + "n/a (every pair tied) | |"
    from scipy import stats  # here: 0.6 s of CPU each --jobs worker paid, importing this module with the script

    try:
        result = stats.wilcoxon(bo, other, alternative="two-sided")
        greater = stats.wilcoxon(bo, other, alternative="greater")
        return head + f"{result.pvalue:.3g} | {greater.pvalue:.3g} |"
    except ValueError as error:  # scipy refuses some tiny samples
        return head + f"n/a ({error}) | |"



def best_table(rows: dict[str, dict[str, Any]], checkpoints: list[int], digits: int, train: bool) -> str:
    head = ("| method | " + " | ".join(f"best @{b}" for b in checkpoints)
            + " | final median | final mean | failed/run | wall s/run |")
    if train:
        head += " evals > chance | test acc of best val |"
    lines = [head, "| --- |" + " ---: |" * (len(checkpoints) + 4 + (2 if train else 0))]
    for name, row in rows.items():
        curve = row["curves"]
        cells = [format_mean(curve[:, b - 1], digits) for b in checkpoints]
        final = curve[:, -1]
        line = (f"| {name} | " + " | ".join(cells) + f" | {np.median(final):.{digits}f} | {np.mean(final):.{digits}f} "
                f"| {np.mean(row['failed']):.1f} | {np.mean(row['wall']):.1f} |")
        if train:
            line += f" {100 * row['above_chance']:.0f} % | {format_mean(row['test_of_best'], 2)} |"
        lines.append(line)
    return "\n".join(lines)


# --- figures ------------------------------------------------------------------------------------
def anytime_plot(rows: dict[str, dict[str, Any]], budget: int, ylabel: str, title: str, folder: Path,
                 name: str, key: str = "curves") -> list[Path]:
    """Mean and 95 % t band per method against evaluations (one colour, line style and marker each)."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    looks = styles(list(rows))
    x = np.arange(1, budget + 1)
    for label, row in rows.items():
        mean, low, high = mean_interval(row[key])
        look = looks[label]
        axes.plot(x, mean, label=f"{label} ({len(row[key])} seeds)", color=look["color"],
                  linestyle=look["linestyle"], marker=look["marker"], markevery=max(1, budget // 8), markersize=4)
        if np.isfinite(low).any():
            axes.fill_between(x, low, high, color=look["color"], alpha=0.15, linewidth=0)
    axes.set_xlabel("evaluations (distinct)")
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize=9)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    return save_figure(figure, folder, name)


def front_plot(rows: dict[str, dict[str, Any]], budget: int, reference: list[float], folder: Path,
               name: str) -> list[Path]:
    """Left: every evaluation and each method's front pooled over seeds. Right: hypervolume along the budget."""
    plt = pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    looks = styles(list(rows))
    for label, row in rows.items():
        look = looks[label]
        points = np.concatenate([front_points(r["metrics"]) for r in row["runs"]])
        left.scatter(points[:, 1] * 1e3, points[:, 0], s=12, alpha=0.35, color=look["color"], marker=look["marker"],
                     label=f"{label}: evaluations")
        pooled = pareto_of(points)
        if len(pooled):
            xs = np.concatenate([pooled[:, 1], [reference[1]]]) * 1e3
            ys = np.concatenate([pooled[:, 0], [pooled[-1, 0]]])
            left.step(xs, ys, where="post", color=look["color"], linestyle=look["linestyle"], linewidth=1.6,
                      label=f"{label}: front over {len(row['runs'])} seeds")
        mean, low, high = mean_interval(row["hv_curves"] * 1e3)
        x = np.arange(1, budget + 1)
        right.plot(x, mean, color=look["color"], linestyle=look["linestyle"], marker=look["marker"],
                   markevery=max(1, budget // 8), markersize=4, label=f"{label} ({len(row['runs'])} seeds)")
        if np.isfinite(low).any():
            right.fill_between(x, low, high, color=look["color"], alpha=0.15, linewidth=0)
    left.axhline(reference[0], color="grey", linewidth=0.8, linestyle=":")
    left.axvline(reference[1] * 1e3, color="grey", linewidth=0.8, linestyle=":")
    left.set_xlabel("parameters (thousands)")
    left.set_ylabel("validation accuracy (%)")
    left.set_title(f"fronts (reference: {reference[0]:g} %, {reference[1] * 1e3:g} k params, dotted)", fontsize=9)
    left.grid(alpha=0.3)
    left.legend(fontsize=7)
    right.set_xlabel("evaluations (distinct)")
    right.set_ylabel("hypervolume (% x thousand params)")
    right.set_title("hypervolume so far: mean and 95 % CI over seeds", fontsize=9)
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    return save_figure(figure, folder, name)


# --- main ---------------------------------------------------------------------------------------
def test_report(rows: dict[str, dict[str, Any]], final, what: str) -> str:
    """The paired Wilcoxon tests of bo against every other method, as a table."""
    if "bo" not in rows or len(rows) < 2:
        return ""
    lines = [f"### paired Wilcoxon signed-rank test on the {what} (seeds paired)\n",
             "| comparison | pairs | bo wins/ties/losses | median diff | mean diff | p (two-sided) | p (bo greater) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    bo = final(rows["bo"])
    for name, row in rows.items():
        if name != "bo":
            lines.append(wilcoxon_line(name, bo, final(row), what))
    return "\n".join(lines) + "\n"


def objectives_report(args: argparse.Namespace, rows: dict[str, dict[str, Any]], reference: list[float]) -> str:
    out = [f"Shared reference point: val_accuracy {reference[0]:g} % (chance), params_m {reference[1]:g} "
           f"(the param limit). Hypervolumes below are in % x thousand params.\n",
           f"### hypervolume so far (mean ± 95 % t CI over {args.seeds} seeds)\n",
           "| method | " + " | ".join(f"HV @{b}" for b in args.checkpoints)
           + " | final median | evals > chance | front size/run | wall s/run |",
           "| --- |" + " ---: |" * (len(args.checkpoints) + 4)]
    for name, row in rows.items():
        hv = row["hv_curves"] * 1e3  # readable units: % x thousand params
        cells = [format_mean(hv[:, b - 1], 3) for b in args.checkpoints]
        sizes = [len(pareto_of(front_points(r["metrics"]))) for r in row["runs"]]
        accs = np.concatenate([front_points(r["metrics"])[:, 0] for r in row["runs"]])
        out.append(f"| {name} | " + " | ".join(cells) + f" | {np.median(hv[:, -1]):.3f} | "
                   f"{100 * np.mean(accs > CHANCE + 1e-9):.0f} % | {np.mean(sizes):.1f} | {np.mean(row['wall']):.1f} |")
    out.append("")
    out.append("### fronts found (val_accuracy %, params) per run\n")
    out.append("| method | seed | front (val acc % @ params) | HV (% x k params) |")
    out.append("| --- | ---: | --- | ---: |")
    for name, row in rows.items():
        for seed, run in zip(range(args.first_seed, args.first_seed + args.seeds), row["runs"]):
            front = pareto_of(front_points(run["metrics"]))
            text = ", ".join(f"{a:.1f} @ {p * 1e6:,.0f}" for a, p in front)
            out.append(f"| {name} | {seed} | {text} | {1e3 * hv_of(front_points(run['metrics']), reference):.3f} |")
    out.append("")
    for name, row in rows.items():
        points = np.concatenate([front_points(r["metrics"]) for r in row["runs"]])
        pooled = pareto_of(points)
        out.append(f"{name}, front pooled over seeds: " + ", ".join(f"{a:.1f} % @ {p * 1e6:,.0f}" for a, p in pooled)
                   + f" (HV {1e3 * hv_of(points, reference):.3f})")
    out.append("")
    out.append(test_report(rows, lambda row: row["hv_curves"][:, -1] * 1e3, "final hypervolume (% x k params)"))
    return "\n".join(out)


if __name__ == "__main__":
    not_a_script("the tables and figures code that nago_search.py imports",
                 str(Path(sys.argv[0]).with_name("nago_search.py")))
