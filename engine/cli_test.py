"""``nasloop test RUN``: its parser and its body (:mod:`.best_tested` measures; this prints)."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from .cli_types import path_arg, path_text, positive_int
from .export import print_json, print_table
from .held_imports import imported
from .value_texts import metric_text


def add_command(sub: Any) -> None:
    """The ``test`` subcommand on the CLI's subparsers ``sub``."""
    said = "measure the test accuracy of a training search's best architectures (searched with test=false)"
    test = sub.add_parser("test", help=said, description=said[0].upper() + said[1:] + ": each network the search "
                          "trained is loaded from the run's checkpoint (trained again where it is gone) and measured "
                          "on the test split; the results go to RUN/tested.json as each completes.")
    test.add_argument("run_dir", type=path_arg, help="a run's folder (search's --run-dir)")
    test.add_argument("--top", type=positive_int, default=1,
                      help="how many of the best architectures by the run's objective (default 1: the one it returns)")
    test.add_argument("--data-dir", type=path_text, help="folder holding the dataset, where not the run's")
    test.add_argument("--device", help="where to evaluate, where not the run's device")
    test.add_argument("--json", action="store_true", help="print a JSON list of the results")


def cmd_test(args: argparse.Namespace) -> None:
    """Measure, announcing each architecture as it is done (a retraining may take long), then the table."""
    Table = imported("rich.table").Table

    from .best_tested import TESTED_FILE, measure_best

    def done(record: dict[str, Any]) -> None:
        if not args.json:
            print(f"nasloop test: {record['rank']}. trial {record['trial']}: test_accuracy "
                  f"{metric_text(record['test_accuracy'])}", file=sys.stderr, flush=True)

    records = measure_best(args.run_dir, args.top, args.data_dir, args.device, on_tested=done)
    if args.json:
        print_json(records)
        return
    objective = records[0]["objective"]
    table = Table(title=f"nasloop test {args.run_dir}: the {len(records)} best by {objective} (in {TESTED_FILE})",
                  caption=_caption(records, args.top))
    for column in ("rank", "trial", "architecture", f"{objective} (searched)", "val_accuracy", "test_accuracy",
                   "network"):
        table.add_column(column, justify="left" if column == "architecture" else "right")
    for r in records:
        table.add_row(str(r["rank"]), str(r["trial"]), r["arch"], metric_text(r["searched"]),
                      metric_text(r["val_accuracy"]), metric_text(r["test_accuracy"]),
                      "checkpoint" if r["from_checkpoint"] else "trained again")
    print_table(table)


def _caption(records: list[dict[str, Any]], top: int) -> str:
    """What the columns are, and where fewer architectures than asked succeeded."""
    fewer = (f"; only {len(records)} distinct architectures succeeded of the {top} asked"
             if len(records) < top else "")
    return ("val_accuracy and test_accuracy measured now, on the network the search trained ('checkpoint': its "
            "weights loaded, no training; 'trained again': its checkpoint was gone); a val_accuracy equal to the "
            f"searched one shows the same network was tested{fewer}")
