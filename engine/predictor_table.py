"""``nasloop predictors evaluate``'s table: mean ± 95 % t half-width over seeds of each figure, per predictor and
size, written as the study of the same fits (``compare --predictors``) writes them (:func:`.predictor_report.
figure_cells`): the table gave '± population std', which a user comparing it with the study's report read as a
narrower spread of the same fits.

A seed whose predictor gave every test cell one value ranks nothing: its ranking figures are NaN (``predictors
evaluate`` says so as it happens). Each cell is over the seeds with a value, and says how many where some had none:
a NaN among three seeds made the whole row 'nan ± nan', where the study gave the mean of the two that ranked.
"""
from __future__ import annotations

import argparse
from typing import Any

from .assemble import target_description
from .export import print_json, print_table
from .held_imports import imported
from .predictor_report import FIGURE_HEADS, figure_cells, resolved_caption, tested_text
from .predictor_study import summary_rows


def print_predictor_rows(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    """``predictors evaluate``'s records as JSON or a table: mean (± 95 % t half-width over seeds) per predictor and
    size."""
    if args.json:
        print_json(rows)
        return
    Table = imported("rich.table").Table

    seeds = len({r["seed"] for r in rows})
    spread = seeds > 1  # one seed has no interval to show
    at = f" at {args.fidelity} epochs" if args.fidelity is not None else ""
    ranked = f" {args.metric}" if args.metric else ""
    table = Table(title=f"predictors on {args.space} {args.dataset}{ranked}{at} ({seeds} seed{'s' * (seeds != 1)}"
                        + (", mean ± half-width of the 95 % Student t interval over seeds)" if spread else ")"),
                  caption=resolved_caption(target_description(args.space, args.dataset, args.metric), rows) or None)
    for column in ("predictor", "train", "test", *FIGURE_HEADS):
        table.add_column(column, justify="left" if column == "predictor" else "right")
    summary = {(r["predictor"], r["train_size"]): r for r in summary_rows(rows)}
    for name in args.predictors:
        for size in args.train_sizes:
            if (row := summary.get((name, size))) is not None:  # none: interrupted before this one
                table.add_row(name, str(size), tested_text(row), *figure_cells(row, marked=True))
    print_table(table)
