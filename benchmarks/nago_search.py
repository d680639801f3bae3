"""NAGO's claim, checked: Bayesian optimisation of the generator's eight hyperparameters beats random search.

What it measures
----------------
NAGO (Ru et al., NeurIPS 2020) searches a three-level random-graph network *generator* with
eight hyperparameters (``g1=nodes,K,P;g2=nodes,P;g3=nodes,K,P``) by Bayesian optimisation, and
reports that BO finds better generators than random search over the same space. Every method here
runs ``--seeds`` searches of ``--budget`` distinct evaluations through the real Python API
(``nasloop.engine.search.search``: registry, evaluator, in-process executor, loop, SQLite store) on
``--space nago`` with a parameter limit (``--param-limit``; every network is widened until it just
fits it), each search in its own run directory: a temporary one, or under ``--out``, where running the same
command again finishes interrupted searches and reuses finished ones.

Methods (``--methods``, comma-separated):

* ``bo``: botorch GP + qLogNEI over the eight hyperparameters (a scrambled Sobol initial design of
  ``--num-init`` points, by default a third of the budget and at most 10, then the acquisition);
* ``random``: random search over the same box (its first draws are those of ``evolution``'s random
  start for the same seed, so the two agree until evolution starts mutating);
* ``evolution``: regularized evolution sized for short budgets: population 10 and tournament 3 at a
  budget of 30, population 4 and tournament 2 at 10 or 12 (population budget // 3, between 4 and 10).

Evaluator settings (``--evaluator``):

* ``proxy`` (default): the objective is a zero-cost proxy of the untrained network on one CIFAR-10
  mini-batch: ``--proxy synflow`` (log synflow) or ``--proxy jacov``. Param limit 5e4, budget 30,
  10 seeds. Cheap, deterministic, and a stand-in for accuracy only as far as the proxy is one.
* ``train``: the objective is the validation accuracy (%) after a short real training on the
  shipped class-balanced CIFAR-10 subset: param limit 2e4, ``--epochs 1`` on all 5,230 images
  (``--train-images`` takes fewer; 10 % are held out for validation: 523 images, so accuracy moves
  in 0.19 % steps), batch 32 (147 SGD steps), on the CPU; budget 10, 10 seeds, bo and random (the
  README's figure). Expensive on a CPU (see "Cost" below). An earlier default, 1,500 images at
  batch 128, gave 10 SGD steps, and 87-93 % of the networks stayed at chance (10 %: a constant
  guess on the class-balanced validation split); the table shows the share of evaluations above
  chance, so read the comparison with it.
* ``--objectives``: multi-objective NAGO with the train evaluator, ``val_accuracy:max`` and
  ``params_m:min``, ``bo`` (qLogNEHVI) against ``random``, 3 seeds of 10 evaluations. Every run's
  front is measured by its hypervolume against one shared reference point (validation accuracy
  10 %, chance; params = the param limit), reported along the budget; the figure shows each
  method's front pooled over its seeds.

Reported per method: best objective so far after b evaluations (``--checkpoints``), mean ± 95 %
t-interval over seeds; the final best's median and mean; failed evaluations per run (a proxy that
comes out NaN or infinite fails the trial); wall seconds per search. Then a paired two-sided
Wilcoxon signed-rank test (``scipy.stats.wilcoxon``, seeds paired: the same seed means the same
search seed and, with training, the same initial-weight seed; not the same proposals) of ``bo``
against each other method on the final best, with the wins/ties/losses. With 3 seeds the smallest
two-sided p a Wilcoxon test can give is 0.25: the train settings' tests cannot be significant at
their default size, and the table says so by its p values.

Figures (PNG and SVG, ``--figures``, default ``benchmarks/figures``): best so far against
evaluations with 95 % bands, one colour and line style per method (``nago_proxy_synflow``,
``nago_proxy_jacov``, ``nago_train``), and for ``--objectives`` the fronts and the hypervolume
along the budget (``nago_front``).

Anchor (qualitative): NAGO's paper reports that Bayesian optimisation of the generator's
hyperparameters (BOHB with a Bayesian-neural-network surrogate; MOBO for accuracy against size)
finds better generators than random sampling of the same space, after full GPU training. No
published number is reproduced at this scale (tiny networks, proxies or one CPU epoch, a GP
surrogate), so the check is the direction and significance of bo - random, not a value.

Cost, measured with ``--jobs 2`` on a 2-core machine shared with other work (each search process
got about half a core; CPU seconds in brackets, about the wall time on 2 idle cores x 2):

* proxy synflow, 10 seeds x 30: 9.1 min wall (8.0 CPU-min); per search bo 64 s, random 19 s,
  evolution 24 s (bo's GP fits are most of its time);
* proxy jacov, 8 seeds x 30: 13.3 min wall (12.6 CPU-min); per search bo 82 s, random 67 s,
  evolution 48 s (jacov's per-image input gradients dominate);
* train, bo and random, 5 seeds x 10 (one epoch over all 5,230 images, batch 32): 57 min wall
  with two other jobs on the machine; per search bo 497 s, random 788 s; 15-160 s per evaluation,
  the deep narrow generators being the slow ones (bo learns to avoid them);
* train, evolution, 10 seeds x 10: 49 min wall with two searches at a time beside a third job;
  per search 827-1,550 s (mean 1,099 s);
* objectives, 3 seeds x 10 (the defaults): 36 min wall beside other work; per search bo 706 s,
  random 619 s.

How to run
----------
    .venv/bin/python benchmarks/nago_search.py --jobs 2                       # proxy, synflow, 10 seeds x 30
    .venv/bin/python benchmarks/nago_search.py --proxy jacov --jobs 2
    .venv/bin/python benchmarks/nago_search.py --evaluator train --jobs 2     # 3 seeds x 10, CPU training
    .venv/bin/python benchmarks/nago_search.py --objectives --jobs 2          # bo vs random, 3 seeds x 10
    .venv/bin/python benchmarks/nago_search.py --evaluator train --device cuda --epochs 5 --train-images 5000 \
        --param-limit 1e5 --seeds 10 --budget 30                              # on a GPU: a more telling setting

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``. Progress goes to stderr,
the tables to stdout. Each search runs with one torch thread (``--torch-threads``), with ``--jobs`` above 1 in
worker processes (spawn) that Ctrl-C, SIGTERM or ``kill -9`` of the script stop with it.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from nago_tables import CHANCE, anytime_plot, best_table, curves, front_plot, hv_curve, objectives_report, test_report
from script_args import (REPO, ScriptParser, add_data_dir, check_search, output_file, output_folder, results_of,
                         run_main)

from nasloop.engine.cli_types import int_at_least, int_list, positive_float, positive_int, seed_int
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import resume, search
from nasloop.engine.store import DB_NAME, RunStore
from nasloop.engine.study_stats import best_so_far
from nasloop.search_spaces.nago.space import NAGOSpace

METHODS = ("bo", "random", "evolution")
# Per setting: param limit, budget, seeds, methods.
SETTINGS = {
    "proxy": {"param_limit": 5e4, "budget": 30, "seeds": 10, "methods": METHODS},
    "train": {"param_limit": 2e4, "budget": 10, "seeds": 10, "methods": ("bo", "random")},  # the README's
    "objectives": {"param_limit": 2e4, "budget": 10, "seeds": 3, "methods": ("bo", "random")},
}
OBJECTIVES = ["val_accuracy:max", "params_m:min"]


# --- one search ---------------------------------------------------------------------------------
def make_config(args: argparse.Namespace, method: str, seed: int, run_dir: Path) -> SearchConfig:
    """The SearchConfig of one search of ``method`` with ``seed`` in the chosen setting."""
    if args.evaluator == "proxy":
        evaluator_options: dict[str, Any] = {"proxies": [args.proxy], "batch_size": args.proxy_batch_size}
    else:
        evaluator_options = {"epochs": args.epochs, "batch_size": args.batch_size, "train_images": args.train_images,
                             "device": args.device, "seed": seed, "compile": False}
        if args.lr is not None:
            evaluator_options["lr"] = args.lr
    if method == "bo":
        strategy_options: dict[str, Any] = {"num_init": args.num_init, "num_restarts": args.num_restarts,
                                            "raw_samples": args.raw_samples, "mc_samples": args.mc_samples}
    elif method == "evolution":
        strategy_options = evolution_options(args.budget)
    else:
        strategy_options = {}
    extra: dict[str, Any] = {}
    if args.objectives:
        extra = {"objectives": list(OBJECTIVES), "reference_point": reference_point(args)}
    return SearchConfig(space="nago", space_options={"param_limit": args.param_limit}, evaluator=args.evaluator,
                        evaluator_options=evaluator_options, strategy=method, strategy_options=strategy_options,
                        budget=args.budget, seed=seed, data_dir=args.data_dir, run_dir=str(run_dir), **extra)


def evolution_options(budget: int) -> dict[str, int]:
    """Regularized evolution sized for a short budget: population 10 and tournament 3 at 30 evaluations,
    population 4 and tournament 2 at 10-14 (so that most of the budget goes to mutations, not the random start)."""
    population = min(10, max(4, budget // 3))
    return {"population_size": population, "sample_size": max(2, min(3, population // 3))}


def reference_point(args: argparse.Namespace) -> list[float]:
    """The shared hypervolume reference, in the metrics' units: chance accuracy, the param limit (millions)."""
    return [CHANCE, args.param_limit / 1e6]


def run_once(args: argparse.Namespace, method: str, seed: int, run_dir: Path) -> dict[str, Any]:
    """One search; each evaluation's objective (NaN if failed) and chosen metrics, in order, and its wall seconds."""
    config = make_config(args, method, seed, run_dir)
    if (run_dir / DB_NAME).exists():  # a run of an earlier, interrupted invocation: finish it
        summary = resume(run_dir, budget=args.budget)
    else:
        summary = search(config)
    with RunStore.in_run_dir(run_dir) as store:
        trials = store.evaluations()
    scores, metrics, archs, reasons = [], [], [], []
    for t in trials:
        ok = t.result is not None and t.result.ok
        scores.append(math.nan if t.score is None or not ok else float(t.score))
        metrics.append(dict(t.result.metrics) if ok else {})
        archs.append(str(t.arch))
        if not ok and t.result is not None and t.result.reason:
            reasons.append(t.result.reason)
    # the store adds up every invocation's seconds, so a reused or resumed run reports its whole search
    return {"scores": scores, "metrics": metrics, "archs": archs, "wall": summary["wall_seconds"],
            "failure_reasons": reasons, "hypervolume": summary.get("hypervolume"),
            "pareto_front": summary.get("pareto_front")}


def _run_job(job: tuple[argparse.Namespace, str, int, str]) -> tuple[str, int, dict[str, Any]]:
    """One search, in a worker process with ``--jobs`` above 1, else in this one."""
    args, method, seed, tmp = job
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # botorch's optimisation warnings would drown the progress lines
        if args.torch_threads:
            import torch

            torch.set_num_threads(args.torch_threads)
        return method, seed, run_once(args, method, seed, Path(tmp) / setting_name(args) / f"{method}-s{seed}")


# --- statistics ---------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--evaluator", choices=("proxy", "train"),
                        help="proxy (the default) or train (--objectives's, which trains)")
    parser.add_argument("--proxy", help="the proxy objective of --evaluator proxy (synflow, the default; jacov...)")
    parser.add_argument("--objectives", action="store_true",
                        help="multi-objective: val_accuracy:max, params_m:min with the train evaluator")
    parser.add_argument("--methods", help=f"comma-separated, from {', '.join(METHODS)} (default: the setting's)")
    parser.add_argument("--seeds", type=positive_int, help="seeds per method (proxy and train 10, objectives 3)")
    parser.add_argument("--first-seed", type=seed_int, default=0)
    parser.add_argument("--budget", type=positive_int,
                        help="distinct evaluations per search (proxy 30, train and objectives 10)")
    parser.add_argument("--checkpoints", type=int_list,
                        help="comma-separated budgets to report, up to --budget (default: quarters of the budget)")
    parser.add_argument("--param-limit", type=positive_float,
                        help="the NAGO space's param limit (proxy 5e4, train 2e4)")
    parser.add_argument("--proxy-batch-size", type=positive_int, default=64, help="proxy mini-batch size")
    parser.add_argument("--epochs", type=positive_int, default=1, help="training epochs per evaluation (train)")
    parser.add_argument("--train-images", type=positive_int,
                        help="training images incl. 10 %% validation (default: all 5,230 of the shipped subset)")
    parser.add_argument("--batch-size", type=positive_int, default=32, help="training batch size (train)")
    parser.add_argument("--lr", type=positive_float, help="training learning rate (default: the evaluator's, 0.1)")
    parser.add_argument("--device", default="cpu", help="training device (train): cpu, cuda, auto")
    parser.add_argument("--num-init", type=positive_int,
                        help="bo's Sobol initial design (default min(10, budget // 3))")
    parser.add_argument("--num-restarts", type=positive_int, default=8, help="bo's acquisition optimiser restarts")
    parser.add_argument("--raw-samples", type=positive_int, default=256, help="bo's raw samples for the restarts")
    parser.add_argument("--mc-samples", type=positive_int, default=128, help="bo's Monte Carlo samples")
    add_data_dir(parser)
    parser.add_argument("--torch-threads", type=int_at_least(0), default=1,
                        help="torch threads per search (0: torch's default)")
    parser.add_argument("--jobs", type=positive_int, default=1, help="searches at once (above 1: in worker processes)")
    parser.add_argument("--figures", type=output_folder, default=REPO / "benchmarks" / "figures", help="figure folder")
    parser.add_argument("--json", type=output_file, metavar="FILE", help="also write the raw numbers here")
    parser.add_argument("--out", type=output_folder,
                        help="keep the runs here; running again finishes interrupted ones and "
                        "reuses finished ones (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.objectives and args.evaluator == "proxy":  # it was switched to train silently: hours, not minutes
        parser.error("--objectives trains (val_accuracy against params_m); drop --evaluator proxy, or drop "
                     "--objectives for one proxy objective")
    args.evaluator = "train" if args.objectives else (args.evaluator or "proxy")
    if args.proxy is not None and args.evaluator == "train":  # it was ignored: the runs trained, as asked
        parser.error(f"--proxy {args.proxy} is the objective of --evaluator proxy; this run trains (--evaluator "
                     "train or --objectives): drop --proxy, or give --evaluator proxy")
    args.proxy = args.proxy or "synflow"
    setting = SETTINGS["objectives" if args.objectives else args.evaluator]
    if args.methods is not None and not args.methods.replace(",", "").strip():
        parser.error(f"--methods {args.methods!r} names no method; choose from {', '.join(METHODS)}")
    args.methods = ([m.strip() for m in args.methods.split(",") if m.strip()] if args.methods
                    else list(setting["methods"]))
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method '{unknown[0]}'; choose from {', '.join(METHODS)}")
    args.seeds = args.seeds or setting["seeds"]
    args.budget = args.budget or setting["budget"]
    args.param_limit = args.param_limit or setting["param_limit"]
    try:  # the space's own check, worded for this script's flag rather than nasloop's --space-opt
        NAGOSpace(param_limit=args.param_limit)
    except ConfigError as error:
        parser.error(str(error).replace("nago param_limit=", "--param-limit ")
                     .replace("--space-opt param_limit=", "--param-limit "))
    args.num_init = args.num_init or max(2, min(10, args.budget // 3))
    if args.checkpoints and max(args.checkpoints) > args.budget:
        parser.error(f"--checkpoints {max(args.checkpoints)} is beyond the budget, {args.budget}; give checkpoints "
                     "up to it")
    if args.checkpoints:
        points = args.checkpoints
    else:
        points = [max(1, round(args.budget * k / 4)) for k in (1, 2, 3)]
    args.checkpoints = sorted({b for b in points if b < args.budget} | {args.budget})
    return args


def setting_name(args: argparse.Namespace) -> str:
    """The setting searched (``nago_proxy_synflow``, ``nago_train``, ``nago_front``): its runs' folder under
    ``--out``, where every method and seed of that setting is kept and found again."""
    if args.objectives:
        return "nago_front"
    return f"nago_proxy_{args.proxy}" if args.evaluator == "proxy" else "nago_train"


def figure_name(args: argparse.Namespace) -> str:
    """The setting's name for the README's own runs of it (its methods, seeds, budget and param limit); other
    methods add theirs (``nago_train_evolution``) and other sizes theirs, so that trying ``--methods random``
    does not overwrite the published figure of bo against random."""
    setting = SETTINGS["objectives" if args.objectives else args.evaluator]
    name = setting_name(args)
    if list(args.methods) != list(setting["methods"]):
        name += "_" + "_".join(args.methods)
    if (args.seeds, args.budget, args.param_limit) != (setting["seeds"], setting["budget"], setting["param_limit"]):
        name += f"-s{args.seeds}-b{args.budget}-p{args.param_limit:g}"
    return name


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nasloop-nago-check-") as scratch:  # a run folder no check writes in
        for method in args.methods:  # a missing data file is refused before the first line, not after the setting
            check_search(make_config(args, method, args.first_seed, Path(scratch)))
    # absolute, so that it can be pasted in any folder: the interpreter was shown relative to the current folder
    print("Command: `" + shlex.join([sys.executable, os.path.abspath(sys.argv[0])]
                                   + (sys.argv[1:] if argv is None else argv)) + "`\n")
    if args.objectives:
        what = f"objectives {', '.join(OBJECTIVES)} with the train evaluator"
    elif args.evaluator == "proxy":
        what = f"proxy evaluator, objective {args.proxy} (batch {args.proxy_batch_size})"
    else:
        what = "train evaluator, objective val_accuracy (%)"
    if args.evaluator == "train":
        what += (f"; {args.epochs} epoch(s) on {args.train_images or 'all'} CIFAR-10 subset images (10 % held out for "
                 f"validation), batch {args.batch_size}, lr {args.lr if args.lr is not None else 0.1}, "
                 f"device {args.device}")
    print(f"NAGO, param limit {args.param_limit:g}; {what}. {args.seeds} seeds (from {args.first_seed}) x "
          f"{args.budget} evaluations; bo: {args.num_init} Sobol points, then "
          f"{'qLogNEHVI' if args.objectives else 'qLogNEI'} ({args.num_restarts} restarts, {args.raw_samples} raw "
          f"samples, {args.mc_samples} MC samples)"
          + (f"; evolution: population {evolution_options(args.budget)['population_size']}, tournament "
             f"{evolution_options(args.budget)['sample_size']}" if "evolution" in args.methods else "")
          + f". {args.jobs} job(s), {args.torch_threads or 'default'} "
          f"torch thread(s) each, {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}.\n")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    results: dict[tuple[str, int], dict[str, Any]] = {}
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        tmp = str(args.out) if args.out else stack.enter_context(tempfile.TemporaryDirectory(prefix="nasloop-nago-"))
        jobs = [(args, method, seed, tmp) for seed in seeds for method in args.methods]
        with results_of(_run_job, jobs, args.jobs) as searches:
            for method, seed, run in searches:
                results[method, seed] = run
                curve = best_so_far(run["scores"], args.budget)
                failed = int(np.sum(np.isnan(run["scores"])))
                print(f"{method} seed {seed}: best " + ", ".join(f"@{b} {curve[b - 1]:.3f}" for b in args.checkpoints)
                      + f"; {failed} failed; {run['wall']:.1f} s ({time.perf_counter() - started:.0f} s elapsed)",
                      file=sys.stderr, flush=True)
    runtime = time.perf_counter() - started
    reference = reference_point(args)
    rows: dict[str, dict[str, Any]] = {}
    for method in args.methods:
        runs = [results[method, seed] for seed in seeds]
        row: dict[str, Any] = {"runs": runs, "curves": curves(runs, args.budget),
                               "failed": np.asarray([np.sum(np.isnan(r["scores"])) for r in runs]),
                               "wall": np.asarray([r["wall"] for r in runs])}
        if args.evaluator == "train":
            values = np.concatenate([np.asarray(r["scores"], dtype=np.float64) for r in runs])
            row["above_chance"] = float(np.mean(values[np.isfinite(values)] > CHANCE + 1e-9))
            row["test_of_best"] = np.asarray([r["metrics"][int(np.nanargmax(r["scores"]))].get("test_accuracy",
                                                                                                math.nan)
                                              for r in runs])
        if args.objectives:
            row["hv_curves"] = np.asarray([hv_curve(r, args.budget, reference) for r in runs])
        rows[method] = row
    digits = 1 if args.evaluator == "train" else 2
    if args.objectives:
        print(objectives_report(args, rows, reference))
    else:
        objective = args.proxy if args.evaluator == "proxy" else "val_accuracy (%)"
        print(f"### best {objective} so far (mean ± 95 % t CI over {args.seeds} seeds)\n")
        print(best_table(rows, args.checkpoints, digits, args.evaluator == "train"), end="\n\n")
        if args.evaluator == "train":
            print(f"evals > chance: share of all evaluations above {CHANCE:g} % validation accuracy; test acc: the "
                  "test accuracy (870 images) of each run's best-validation network.\n")
        print(test_report(rows, lambda row: row["curves"][:, -1], f"final best {objective}"))
    reasons = sorted({reason for row in rows.values() for r in row["runs"] for reason in r["failure_reasons"]})
    if reasons:
        print("Failure reasons seen: " + "; ".join(f"'{r}'" for r in reasons[:5]) + "\n")
    paths = []
    if args.objectives:
        paths = front_plot(rows, args.budget, reference, args.figures, figure_name(args))
    else:
        ylabel = (f"best {args.proxy} so far" if args.evaluator == "proxy" else "best validation accuracy so far (%)")
        title = (f"NAGO, param limit {args.param_limit:g}: "
                 + (f"proxy {args.proxy}" if args.evaluator == "proxy"
                    else f"{args.epochs} epoch(s), {args.train_images or 'all subset'} images, CPU")
                 + f"; mean and 95 % CI over {args.seeds} seeds")
        paths = anytime_plot(rows, args.budget, ylabel, title, args.figures, figure_name(args))
    print("Figures: " + ", ".join(os.path.relpath(p) for p in paths))
    print(f"Total wall time: {runtime:.1f} s ({runtime / 60:.1f} min)")
    if args.json:
        record = {"args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                  "runtime_seconds": runtime,
                  "runs": {f"{m}-s{s}": {k: v for k, v in run.items()} for (m, s), run in results.items()}}
        args.json.write_text(json.dumps(record, indent=1, default=float))
        print(f"Raw numbers written to {args.json}")


if __name__ == "__main__":
    run_main(main)
