"""Multi-objective search on NB201 where the truth is known: hypervolume found over the table's.

What it measures
----------------
Each method searches NB201 CIFAR-10 for two objectives, validation accuracy (max) and a cost
(``--costs params_m,flops_m``: parameters or FLOPs, min), through the public API. The true
Pareto front is the table's own (all 15,625 cells). Two reference points, each shared by every
run, give two tables: the table's nadir (the worst accuracy, about 10 %, and the largest cost of
any cell), and its medians, which leave out the easy bulk of the volume below median accuracy
and so separate methods on the part of the front that matters. Printed per cost,
method and budget: HV(found)/HV(true) as mean ± 95 % t half-width over seeds, its minimum, and
how many seeds reach 0.98. Methods: ``bo`` (botorch qLogNEHVI over the one-hot encoding and a
candidate pool), ``evolution`` (aging evolution with the NSGA-II crowded tournament),
``evolution-frontier`` (archai's scheme, evolution's default with several objectives: mutations of
the current front's members) and ``random``.

Anchor (issue 18): at least 0.98 of the true hypervolume within 100 queries.

How to run
----------
    .venv/bin/python benchmarks/multi_objective_nb201.py --jobs 2                      # 20 seeds, budget 200
    .venv/bin/python benchmarks/multi_objective_nb201.py --methods bo --seeds 5 --budget 100
    .venv/bin/python benchmarks/multi_objective_nb201.py --methods bo --jobs 2 --out studies/mo-bo  # resumable
    .venv/bin/python benchmarks/multi_objective_nb201.py --methods bo --seeds 10 --first-seed 10 --out studies/mo-bo
"""
from __future__ import annotations

import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nasloop.engine.assemble import build_context
from nasloop.engine.cli_types import name_list, positive_int, seed_int
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.objectives import hypervolume
from nasloop.engine.search import resume, search
from nasloop.engine.store import DB_NAME, RunStore
from nasloop.search_spaces.nb201 import NB201Space

sys.path.insert(0, str(Path(__file__).resolve().parent))
from script_args import ScriptParser, add_data_dir, check_search, output_folder, results_of, run_main  # noqa: E402
from stats_util import format_mean  # noqa: E402

CHECKPOINTS = (50, 100, 200)


def table_points(data_dir: str, cost: str) -> np.ndarray:
    """(val accuracy, -cost) of every cell with a validation accuracy: higher is better on both."""
    bench = build_context(NB201Space, "cifar10", data_dir, lookup=True).benchmark
    rows = []
    for cell in bench.cells():
        metrics = bench.query(cell, "cifar10").metrics
        if cost not in metrics:
            raise ConfigError(f"--costs: the NB201 table has no metric '{cost}'; it has {', '.join(sorted(metrics))}")
        if "val_accuracy" in metrics:
            rows.append((metrics["val_accuracy"], -metrics[cost]))
    return np.array(rows)


def run_config(method: str, cost: str, seed: int, budget: int, data_dir: str | None) -> SearchConfig:
    """The search of one method, cost and seed (without its run folder). A method is a strategy's name, or
    evolution-frontier (evolution choosing parents on the front): the text before a hyphen was read as the strategy,
    so 'predictor-topk' ran 'predictor' and a misspelt 'no-such' was refused as 'no'."""
    options = ({"population_size": 20, "sample_size": 5, "parents": "tournament"} if method == "evolution" else
               {"population_size": 20, "parents": "frontier"} if method == "evolution-frontier" else {})
    strategy = "evolution" if method == "evolution-frontier" else method
    return SearchConfig(strategy=strategy, budget=budget, seed=seed, data_dir=data_dir, strategy_options=options,
                        objectives=["val_accuracy:max", f"{cost}:min"])


def one_run(job: tuple[str, str, int, int, str, str]) -> tuple[str, str, int, list[tuple[float, float]], float]:
    method, cost, seed, budget, data_dir, out = job
    started = time.perf_counter()
    run_dir = Path(out) / f"{cost}-{method}-{seed}"
    if (run_dir / DB_NAME).exists():  # a run of an earlier, interrupted invocation: finish it
        summary = resume(run_dir, budget=budget)
    else:
        summary = search(run_config(method, cost, seed, budget, data_dir).replace(run_dir=str(run_dir)))
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        found = [(t.result.metrics["val_accuracy"], -t.result.metrics[cost]) for t in store.evaluations()
                 if t.result.ok]
    return method, cost, seed, found, time.perf_counter() - started


def main() -> None:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--methods", type=name_list, default=["bo", "evolution", "random"],
                        help="strategies, comma-separated (default bo,evolution,random; evolution-frontier too)")
    parser.add_argument("--costs", type=name_list, default=["params_m", "flops_m"],
                        help="the table metrics minimised beside accuracy, one study each (default params_m,flops_m)")
    parser.add_argument("--seeds", type=positive_int, default=20, help="seeds per method (default 20)")
    parser.add_argument("--first-seed", type=seed_int, default=0,
                        help="seeds run from here (two invocations on one --out can split the seeds between them)")
    parser.add_argument("--budget", type=positive_int, default=200, help="evaluations per search (default 200)")
    parser.add_argument("--jobs", type=positive_int, default=1, help="searches at once (default 1)")
    parser.add_argument("--out", type=output_folder,
                        help="keep the runs here; running again finishes interrupted ones and reuses "
                        "finished ones (default: a temporary folder)")
    add_data_dir(parser)
    args = parser.parse_args()
    costs, methods = args.costs, args.methods
    truth = {}
    for cost in costs:  # reads the table: a missing one, or an unknown cost, is refused before any output
        points = table_points(args.data_dir, cost)
        for name, reference in (("nadir", points.min(axis=0)), ("median", np.median(points, axis=0))):
            truth[cost, name] = (reference, hypervolume(points, reference))
    for method in methods:  # an unknown one was refused by the first search of it, after the command line
        check_search(run_config(method, costs[0], args.first_seed, args.budget, args.data_dir))
    print(f"command: {shlex.join([sys.executable, str(Path(sys.argv[0]).resolve()), *sys.argv[1:]])}")
    checkpoints = sorted({c for c in CHECKPOINTS if c < args.budget} | {args.budget})  # always the budget's end
    anchor = 100 if 100 in checkpoints else checkpoints[-1]  # where the per-seed columns are read
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or scratch
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        jobs = [(m, c, s, args.budget, args.data_dir, out) for c in costs for m in methods for s in seeds]
        with results_of(one_run, jobs, args.jobs) as searches:
            results = list(searches)
    for (cost, name), (reference, true_volume) in truth.items():
        print(f"\n{cost}, {name} reference point (val acc {reference[0]:.2f}, {cost} {-reference[1]:.4g}); "
              f"true hypervolume {true_volume:.4f}; {args.seeds} seeds\n")
        print("| method | " + " | ".join(f"HV ratio @{c}" for c in checkpoints) +
              f" | seeds >= 0.98 @{anchor} | min @{anchor} | s/run |")
        print("|---|" + "---:|" * (len(checkpoints) + 3))
        for method in methods:
            runs = [(found, wall) for m, c, _, found, wall in results if m == method and c == cost]
            ratios = {k: np.array([hypervolume(np.array(found[:k]), reference) / true_volume for found, _ in runs])
                      for k in checkpoints}
            cells = []
            for k in checkpoints:
                cells.append(format_mean(ratios[k], 4))
            final = ratios[anchor]
            print(f"| {method} | " + " | ".join(cells) + f" | {int((final >= 0.98).sum())}/{len(runs)} | "
                  f"{final.min():.4f} | {np.mean([w for _, w in runs]):.1f} |")


if __name__ == "__main__":
    run_main(main)
