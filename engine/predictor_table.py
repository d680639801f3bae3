"""``nasloop predictors evaluate``'s table: mean ± population std over seeds of each figure, per predictor and size.

A seed whose predictor gave every test cell one value ranks nothing: its ranking figures are NaN (``predictors
evaluate`` says so as it happens). Each cell is over the seeds with a value, and says how many where some had none:
a NaN among three seeds made the whole row 'nan ± nan', where the study of the same fits (``compare --predictors``)
gave the mean of the two that ranked.
"""
from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from .assemble import target_description
from .export import print_json, print_table
from .predictor_report import resolved_caption


def print_predictor_rows(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    """``predictors evaluate``'s records as JSON or a table: mean (± std over seeds) per predictor and size."""
    if args.json:
        print_json(rows)
        return
    from rich.table import Table

    seeds = len({r["seed"] for r in rows})
    spread = seeds > 1  # one seed has no spread to show
    at = f" at {args.fidelity} epochs" if args.fidelity is not None else ""
    ranked = f" {args.metric}" if args.metric else ""
    table = Table(title=f"predictors on {args.space} {args.dataset}{ranked}{at} ({seeds} seed{'s' * (seeds != 1)}"
                        + (", mean ± population std over seeds)" if spread else ")"),
                  caption=resolved_caption(target_description(args.space, args.dataset, args.metric), rows) or None)
    for column in ("predictor", "train", "test", "Kendall tau", "Spearman", "top-1% prec.", "top-5% prec.", "fit s",
                   "predict s"):
        table.add_column(column, justify="left" if column == "predictor" else "right")
    for name in args.predictors:
        for size in args.train_sizes:
            group = [r for r in rows if r["predictor"] == name and r["train_size"] == size]
            if not group:  # interrupted before this one
                continue
            table.add_row(name, str(size), f"{group[0]['test_size']:,}", cell(group, "kendall_tau", ".3f"),
                          cell(group, "spearman", ".3f"), cell(group, "precision_top1", ".2f"),
                          cell(group, "precision_top5", ".2f"), cell(group, "fit_seconds", ".2f"),
                          cell(group, "predict_seconds", ".3f"))
    print_table(table)


def cell(group: list[dict[str, Any]], key: str, fmt: str) -> str:
    """The mean (± population std) of ``key`` over the records with a finite value, and how many they are of the
    group where some had none."""
    values = np.array([r[key] for r in group], dtype=np.float64)
    values = values[np.isfinite(values)]
    if not len(values):
        return "nan"
    text = f"{values.mean():{fmt}}" + (f" ± {values.std():{fmt}}" if len(values) > 1 else "")
    return text if len(values) == len(group) else f"{text} ({len(values)}/{len(group)} seeds)"
