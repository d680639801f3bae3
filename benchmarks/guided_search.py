"""Predictor-guided search against the classic strategies on any space with a benchmark table.

What it measures
----------------
Every method runs ``--seeds`` searches of ``--budget`` distinct evaluations through the real
Python API (``nasloop.engine.search.search``): registry, tabular evaluator, in-process executor,
loop, SQLite store, on ``--space`` and ``--dataset`` (NB201 CIFAR-10 by default; ``nb101``,
``tnb101-micro``/``tnb101-macro`` with a TransNAS task). Each run gets its own run directory in a
temporary folder. For each method the script reports:

* best @ b: the best objective (the task's metric: validation accuracy on NB201, NB101 and the
  TransNAS classification tasks) among the first b evaluations, at ``--checkpoints`` (budgets
  above ``--budget`` are dropped). Given as mean ± 95 % CI (t-distribution) over seeds;
* queries to optimum: how many evaluations the search needed until it evaluated the table's
  best cell (NB201 CIFAR-10: 91.57 %; NB101 30k table: 94.91 %; TNB101-micro class_scene:
  54.94 %). Given as median and IQR over seeds. A run that never found it counts as "more than
  the budget": the median is then shown as ``>budget`` if it falls there. The share of runs that
  found it is shown too;
* wall s/run: mean wall-clock seconds of one search, fits included. Other work on the machine,
  and other searches with ``--jobs``, inflate it.

Methods (``--methods``, comma-separated):

* ``flan-topk``: ``predictor-topk`` with the ``flan`` predictor (FLAN's own search loop);
* ``flan-topk-zc``: the same, with a zero-cost warm-up: its 8 initial cells are the best of the
  whole space by the mean rank of two stored proxies (``warmup``): parameter count and Zen on
  NB201 and NB101, Zen and synflow on TransNAS (its tables store no parameter counts). The
  warm-up is deterministic, so every seed starts from the same 8 cells and seeds differ in FLAN's
  initialisation and the exploration picks only;
* ``flan-topk-zc-pool``: the warm-up ranks a random pool of 1,024 cells per seed instead
  (``warmup_pool``), so seeds start from different cells, as on a space too large to rank whole;
* ``random-topk-zc``: the warm-up of ``flan-topk-zc`` with the ``random`` predictor: what the
  warm-up and the strategy's edits of the best cells do without a learned ranking;
* ``bananas-gp``: ``bananas`` with the ``gp`` predictor;
* ``bananas-mlp``: ``bananas`` with the ``mlp`` ensemble (the BANANAS paper's predictor);
* ``emprox-topk``: ``predictor-topk`` with the ``emprox`` predictor (EmProx-guided: EmProx's
  refit is cheap, so it can rank the whole space every round);
* ``evolution``: regularized evolution (population 50, sample 10);
* ``local``: first-improvement local search with random restarts;
* ``random``: random search.

Anchors (printed under the table of the space they belong to):
* NB201 CIFAR-10: the FLAN authors' published search (3 seeds) reaches 91.49 % best val at 32
  queries and 91.57 % at 64; it reaches the optimum (91.61 % on their validation figures) at 128.
* TNB101-micro class_scene: the space's best is 54.94 %, reached by FLAN's own search by 128
  queries (3 seeds).
* NB101: BANANAS' published rank order at 150 queries: BANANAS ahead of local search ahead of
  evolution ahead of random.

How to run
----------
    .venv/bin/python benchmarks/guided_search.py                       # NB201 CIFAR-10, 20 seeds, budget 200
    .venv/bin/python benchmarks/guided_search.py --methods flan-topk,random --seeds 5 --budget 64
    .venv/bin/python benchmarks/guided_search.py --space nb101 --budget 150 --checkpoints 25,50,100,150 \
        --methods random,evolution,local,bananas-mlp,flan-topk,flan-topk-zc --jobs 2
    .venv/bin/python benchmarks/guided_search.py --space tnb101-micro --dataset class_scene --budget 150
    .venv/bin/python benchmarks/guided_search.py --json out.json       # also write the raw numbers

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``. Progress goes to stderr
and the table to stdout. Torch runs single-threaded by default (``--torch-threads``). The
predictors are small, and on a shared CPU extra threads mostly wait on one another.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from script_args import ScriptParser, add_data_dir, output_file, results_of, run_main, table_space
from stats_util import format_mean

from nasloop.engine.assemble import build_context, build_space
from nasloop.engine.cli_types import int_at_least, int_list, positive_int, seed_int
from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.engine.study_stats import best_so_far, censored_quantiles, queries_to_target

CHECKPOINTS = (16, 32, 64, 128, 200)
# Published figures to print beside ours: (space, dataset) -> {budget: best %}, and a sentence.
ANCHORS = {
    ("nb201", "cifar10"): ({32: 91.49, 64: 91.57, 128: 91.61},
                           "FLAN authors' published NB201 CIFAR-10 search: 91.49 % at 32 queries, 91.57 % at 64, "
                           "optimum (91.61 % on their validation figures) at 128 (3 seeds)"),
    ("tnb101-micro", "class_scene"): ({128: 54.94}, "the space's best is 54.94 %, reached by FLAN's own search by "
                                                   "128 queries (3 seeds)"),
    ("nb101", "cifar10"): ({}, "BANANAS' published rank order at 150 queries: BANANAS ahead of local search ahead of "
                              "evolution ahead of random"),
}
WARMUP_PROXIES = {"nb201": ["params", "zen"], "nb101": ["params", "zen"]}  # else Zen and synflow (TransNAS)


@dataclass(frozen=True)
class Method:
    """One row of the table: a strategy, its predictor and their options."""

    strategy: str
    predictor: str | None = None
    strategy_options: dict[str, Any] = field(default_factory=dict)
    predictor_options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return self.strategy + (f" + {self.predictor}" if self.predictor else "")


WARMUP = "<warm-up proxies of the space>"
METHODS: dict[str, Method] = {
    "flan-topk": Method("predictor-topk", "flan", strategy_options={"warmup": None}),  # a random start
    "flan-topk-zc": Method("predictor-topk", "flan", strategy_options={"warmup": WARMUP}),
    "flan-topk-zc-pool": Method("predictor-topk", "flan", strategy_options={"warmup": WARMUP, "warmup_pool": 1024}),
    "random-topk-zc": Method("predictor-topk", "random", strategy_options={"warmup": WARMUP}),
    "bananas-gp": Method("bananas", "gp"),
    "bananas-mlp": Method("bananas", "mlp"),
    "emprox-topk": Method("predictor-topk", "emprox", strategy_options={"warmup": None}),
    "evolution": Method("evolution", strategy_options={"population_size": 50, "sample_size": 10}),
    "local": Method("local"),
    "random": Method("random"),
}


# --- running --------------------------------------------------------------------------------
def run_once(method: Method, space: str, dataset: str, seed: int, budget: int, data_dir: str,
             run_dir: Path) -> tuple[list[float], float]:
    """One search; returns the objective of each evaluation in order, and its wall seconds."""
    options = {k: WARMUP_PROXIES.get(space, ["zen", "synflow"]) if v == WARMUP else v
               for k, v in method.strategy_options.items()}
    config = SearchConfig(space=space, dataset=dataset, strategy=method.strategy, predictor=method.predictor,
                          strategy_options=options,
                          predictor_options=dict(method.predictor_options),
                          budget=budget, seed=seed, data_dir=data_dir, run_dir=str(run_dir))
    started = time.perf_counter()
    search(config)
    wall = time.perf_counter() - started
    with RunStore.in_run_dir(run_dir) as store:
        scores = [math.nan if t.score is None else t.score for t in store.evaluations()]
    return scores, wall


def best_at(scores: list[float], checkpoints: list[int]) -> list[float]:
    curve = best_so_far(scores, max(checkpoints))
    return [float(curve[b - 1]) for b in checkpoints]


# --- reporting --------------------------------------------------------------------------------
def table(rows: dict[str, dict[str, Any]], checkpoints: list[int], budget: int, optimum: float,
          anchor: dict[int, float]) -> str:
    head = ("| method | " + " | ".join(f"best @{b}" for b in checkpoints)
            + " | queries to optimum: median [IQR] | found | wall s/run |")
    lines = [head, "| --- | " + " | ".join("---:" for _ in checkpoints) + " | ---: | ---: | ---: |"]
    for name, row in rows.items():
        cells = []
        for j in range(len(checkpoints)):
            cells.append(format_mean(row["best_val"][:, j], 2))
        to_optimum = censored_quantiles(row["queries_to_optimum"])
        lines.append(f"| {name} ({row['describe']}) | " + " | ".join(cells)
                     + f" | {to_optimum.describe(budget)} | {to_optimum.reached}/{to_optimum.runs}"
                     + f" | {np.mean(row['wall']):.1f} |")
    if anchor:
        cells = [f"{anchor[b]:.2f}" if b in anchor else "" for b in checkpoints]
        lines.append("| *published anchor (3 seeds)* | " + " | ".join(cells) + " | 128 | | |")
    lines.append("| *table optimum* | " + " | ".join(f"{optimum:.2f}" for _ in checkpoints) + " | | | |")
    return "\n".join(lines)


def table_optimum(space: str, dataset: str, data_dir: str) -> float:
    """The best objective over every cell the table holds (what a search could at most find)."""
    context = build_context(SEARCH_SPACES.get(space), dataset, data_dir, lookup=True)
    build_space(space, context)
    return context.benchmark.optimum(context.benchmark.task(dataset).name)


# --- main -------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"comma-separated, from: {', '.join(METHODS)}")
    parser.add_argument("--seeds", type=positive_int, default=20, help="seeds per method (--first-seed onwards)")
    parser.add_argument("--first-seed", type=seed_int, default=0, help="the first seed (to run the seeds in parts)")
    parser.add_argument("--budget", type=positive_int, default=200, help="distinct evaluations per search")
    parser.add_argument("--space", type=table_space, default="nb201",
                        help="search space with a benchmark table (default nb201)")
    parser.add_argument("--dataset", default="cifar10", help="benchmark task (default cifar10)")
    parser.add_argument("--checkpoints", type=int_list,
                        help="comma-separated budgets at which to report the best so far, up to --budget (default: "
                             f"those of {','.join(map(str, CHECKPOINTS))} below it, and the budget)")
    add_data_dir(parser)
    parser.add_argument("--torch-threads", type=int_at_least(0), default=1,
                        help="torch intra-op threads (0: leave torch's default)")
    parser.add_argument("--jobs", type=positive_int, default=1,
                        help="searches run at once (above 1: in worker processes, at most one per core)")
    parser.add_argument("--json", type=output_file, metavar="FILE", help="also write the raw numbers here")
    args = parser.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method '{unknown[0]}'; choose from: {', '.join(METHODS)}")
    if args.checkpoints is None:
        args.checkpoints = [b for b in CHECKPOINTS if b < args.budget]
    elif max(args.checkpoints) > args.budget:
        parser.error(f"--checkpoints {max(args.checkpoints)} is beyond --budget {args.budget}; give checkpoints "
                     "up to the budget")
    return args


def _run_job(job: tuple[str, str, str, int, int, str, str, int]) -> tuple[str, int, list[float], float]:
    """One search of the table, in a worker process with ``--jobs`` above 1, else in this one."""
    name, space, dataset, seed, budget, data_dir, tmp, threads = job
    if threads and METHODS[name].predictor:  # random, evolution and local only look the table up: no torch to load
        import torch  # for them (1.1 s of CPU a search, in each --jobs worker)

        torch.set_num_threads(threads)
    scores, wall = run_once(METHODS[name], space, dataset, seed, budget, data_dir, Path(tmp) / f"{name}-s{seed}")
    return name, seed, scores, wall


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    checkpoints = [b for b in args.checkpoints if b < args.budget] + [args.budget]
    optimum = table_optimum(args.space, args.dataset, args.data_dir)
    anchor, anchor_note = ANCHORS.get((args.space, args.dataset), ({}, ""))
    results: dict[tuple[str, int], tuple[list[float], float]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nasloop-guided-") as tmp:
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        jobs = [(name, args.space, args.dataset, seed, args.budget, args.data_dir, tmp, args.torch_threads)
                for name in args.methods for seed in seeds]
        with results_of(_run_job, jobs, args.jobs) as searches:
            for name, seed, scores, wall in searches:
                results[name, seed] = scores, wall
                curve = best_at(scores, checkpoints)
                reached = queries_to_target(scores, optimum)
                print(f"{name} seed {seed}: best " + ", ".join(f"@{b} {v:.2f}" for b, v in zip(checkpoints, curve))
                      + f"; optimum after {'>' + str(args.budget) if math.isinf(reached) else int(reached)} queries, "
                      f"{wall:.1f} s", file=sys.stderr, flush=True)
    rows: dict[str, dict[str, Any]] = {}
    for name in args.methods:
        runs = [results[name, seed] for seed in range(args.first_seed, args.first_seed + args.seeds)]
        rows[name] = {"describe": METHODS[name].describe(),
                      "best_val": np.asarray([best_at(scores, checkpoints) for scores, _ in runs]),
                      "queries_to_optimum": np.asarray([queries_to_target(scores, optimum) for scores, _ in runs]),
                      "wall": np.asarray([wall for _, wall in runs])}
    runtime = time.perf_counter() - started
    print(f"### {args.space} {args.dataset}: guided search ({args.seeds} seeds from {args.first_seed}, "
          f"budget {args.budget}, mean ± 95 % CI)\n")
    print(table(rows, checkpoints, args.budget, optimum, anchor), end="\n\n")
    if anchor_note:
        print(f"Anchor: {anchor_note}.")
    print("Budgets count distinct evaluations (duplicates are answered from the store at no cost).")
    print(f"Total runtime: {runtime:.1f} s")
    if args.json:
        record = {"space": args.space, "dataset": args.dataset, "seeds": args.seeds, "first_seed": args.first_seed,
                  "budget": args.budget,
                  "checkpoints": checkpoints, "optimum": optimum, "runtime_seconds": runtime, "anchor": anchor_note,
                  "methods": {name: {"describe": row["describe"], "best_val": row["best_val"].tolist(),
                                     "queries_to_optimum": [None if math.isinf(q) else q
                                                            for q in row["queries_to_optimum"]],
                                     "wall_seconds": row["wall"].tolist()} for name, row in rows.items()}}
        args.json.write_text(json.dumps(record, indent=1))
        print(f"Raw numbers written to {args.json}")


if __name__ == "__main__":
    run_main(main)
