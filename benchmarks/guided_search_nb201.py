"""Predictor-guided search against the classic strategies on NAS-Bench-201 CIFAR-10 (val-200).

What it measures
----------------
Every method runs ``--seeds`` searches of ``--budget`` distinct evaluations through the real
Python API (``nasloop.engine.search.search``): registry, tabular evaluator, in-process executor,
loop, SQLite store. Each run gets its own run directory in a temporary folder. For each method
the script reports:

* best val @ b: the best validation accuracy among the first b evaluations, at
  b = 16/32/64/128/200 (budgets above ``--budget`` are dropped). Given as mean ± 95 % CI
  (t-distribution) over seeds;
* queries to optimum: how many evaluations the search needed until it evaluated the space's
  best-validation cell (``NB201Benchmark.best()``, 91.57 % on CIFAR-10). Given as median and
  IQR over seeds. A run that never found it counts as "more than the budget": the median is then
  shown as ``>budget`` if it falls there. The share of runs that found it is shown too;
* wall s/run: mean wall-clock seconds of one search, fits included. Other work on the machine,
  and other searches with ``--jobs``, inflate it.

Methods (``--methods``, comma-separated):

* ``flan-topk``: ``predictor-topk`` with the ``flan`` predictor (FLAN's own search loop);
* ``flan-topk-zc``: the same, with a zero-cost warm-up: its 8 initial cells are the best of the
  whole space by the mean rank of two stored proxies, parameter count and Zen (``warmup``). The
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
* ``random``: random search.

Anchor: the FLAN authors' published NB201 CIFAR-10 search (3 seeds) reaches 91.49 % best val at
32 queries and 91.57 % at 64. It reaches the optimum (91.61 % on their validation figures) at 128.

How to run
----------
    .venv/bin/python benchmarks/guided_search_nb201.py                       # 20 seeds, budget 200
    .venv/bin/python benchmarks/guided_search_nb201.py --methods flan-topk,random --seeds 5 --budget 64
    .venv/bin/python benchmarks/guided_search_nb201.py --json out.json       # also write the raw numbers
    .venv/bin/python benchmarks/guided_search_nb201.py --jobs 2              # two searches at once (2 cores)

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``. Progress goes to stderr
and the table to stdout. Torch runs single-threaded by default (``--torch-threads``). The
predictors are small, and on a shared CPU extra threads mostly wait on one another.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from stats_util import mean_ci

from nasloop.engine.config import SearchConfig
from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.engine.search import search
from nasloop.engine.store import RunStore

CHECKPOINTS = (16, 32, 64, 128, 200)
FLAN_PAPER = {32: 91.49, 64: 91.57, 128: 91.61}  # best val %, NB201 CIFAR-10, their Fig./Table (3 seeds)
FLAN_PAPER_NOTE = ("FLAN authors' published NB201 CIFAR-10 search: 91.49 % at 32 queries, 91.57 % at 64, "
                   "optimum (91.61 % on their validation figures) at 128")


@dataclass(frozen=True)
class Method:
    """One row of the table: a strategy, its predictor and their options."""

    strategy: str
    predictor: str | None = None
    strategy_options: dict[str, Any] = field(default_factory=dict)
    predictor_options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return self.strategy + (f" + {self.predictor}" if self.predictor else "")


METHODS: dict[str, Method] = {
    "flan-topk": Method("predictor-topk", "flan"),
    "flan-topk-zc": Method("predictor-topk", "flan", strategy_options={"warmup": ["params", "zen"]}),
    "flan-topk-zc-pool": Method("predictor-topk", "flan",
                                strategy_options={"warmup": ["params", "zen"], "warmup_pool": 1024}),
    "random-topk-zc": Method("predictor-topk", "random", strategy_options={"warmup": ["params", "zen"]}),
    "bananas-gp": Method("bananas", "gp"),
    "bananas-mlp": Method("bananas", "mlp"),
    "emprox-topk": Method("predictor-topk", "emprox"),
    "evolution": Method("evolution", strategy_options={"population_size": 50, "sample_size": 10}),
    "random": Method("random"),
}


def default_data_dir() -> str:
    return os.environ.get("NASLOOP_DATA") or str(Path(__file__).resolve().parents[1].parent / "shared" / "data")


# --- running --------------------------------------------------------------------------------
def run_once(method: Method, seed: int, budget: int, data_dir: str, run_dir: Path) -> tuple[list[float], float]:
    """One search; returns the validation accuracy of each evaluation in order, and its wall seconds."""
    config = SearchConfig(space="nb201", dataset="cifar10", strategy=method.strategy, predictor=method.predictor,
                          strategy_options=dict(method.strategy_options),
                          predictor_options=dict(method.predictor_options),
                          budget=budget, seed=seed, data_dir=data_dir, run_dir=str(run_dir))
    started = time.perf_counter()
    search(config)
    wall = time.perf_counter() - started
    with RunStore.in_run_dir(run_dir) as store:
        scores = [math.nan if t.score is None else t.score for t in store.evaluations()]
    return scores, wall


def queries_to(scores: list[float], target: float) -> float:
    """1-based index of the first evaluation reaching ``target``; inf if none did."""
    hits = [i + 1 for i, s in enumerate(scores) if s >= target - 1e-9]
    return float(hits[0]) if hits else math.inf


def best_at(scores: list[float], checkpoints: list[int]) -> list[float]:
    running = np.fmax.accumulate(np.asarray(scores, dtype=np.float64))
    return [float(running[min(b, len(running)) - 1]) for b in checkpoints]


# --- statistics -------------------------------------------------------------------------------
def quantiles(values: np.ndarray) -> tuple[float, float, float]:
    """25th, 50th, 75th percentiles; runs that never found the optimum are +inf and sort last."""
    q = np.quantile(values, [0.25, 0.5, 0.75], method="lower")
    return float(q[0]), float(q[1]), float(q[2])


# --- reporting --------------------------------------------------------------------------------
def fmt_queries(value: float, budget: int) -> str:
    return f">{budget}" if math.isinf(value) else f"{value:.0f}"


def table(rows: dict[str, dict[str, Any]], checkpoints: list[int], budget: int, optimum: float) -> str:
    head = ("| method | " + " | ".join(f"best val @{b}" for b in checkpoints)
            + " | queries to optimum: median [IQR] | found | wall s/run |")
    lines = [head, "| --- | " + " | ".join("---:" for _ in checkpoints) + " | ---: | ---: | ---: |"]
    for name, row in rows.items():
        cells = []
        for j in range(len(checkpoints)):
            mean, half = mean_ci(row["best_val"][:, j])
            cells.append(f"{mean:.2f} ± {half:.2f}" if not math.isnan(half) else f"{mean:.2f}")
        q25, q50, q75 = quantiles(row["queries_to_optimum"])
        found = np.isfinite(row["queries_to_optimum"])
        lines.append(f"| {name} ({row['describe']}) | " + " | ".join(cells)
                     + f" | {fmt_queries(q50, budget)} [{fmt_queries(q25, budget)}–{fmt_queries(q75, budget)}]"
                     + f" | {found.sum()}/{len(found)} | {np.mean(row['wall']):.1f} |")
    anchor = [f"{FLAN_PAPER[b]:.2f}" if b in FLAN_PAPER else "" for b in checkpoints]
    lines.append("| *FLAN paper (3 seeds, their val figures)* | " + " | ".join(anchor) + " | 128 | | |")
    lines.append(f"| *table optimum (cifar10 val-200)* | " + " | ".join(f"{optimum:.2f}" for _ in checkpoints)
                 + " | | | |")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"comma-separated, from: {', '.join(METHODS)}")
    parser.add_argument("--seeds", type=int, default=20, help="seeds per method (0..N-1)")
    parser.add_argument("--budget", type=int, default=200, help="distinct evaluations per search")
    parser.add_argument("--data-dir", default=default_data_dir(), help="folder with the NB201 table")
    parser.add_argument("--torch-threads", type=int, default=1, help="torch intra-op threads (0: leave torch's default)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="searches run at once, each in its own process (at most one per core)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers here")
    args = parser.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method '{unknown[0]}'; choose from: {', '.join(METHODS)}")
    if min(args.seeds, args.budget, args.jobs) < 1 or args.torch_threads < 0:
        parser.error("--seeds, --budget and --jobs must be at least 1, --torch-threads at least 0")
    return args


def _set_torch_threads(threads: int) -> None:
    """Run in each worker process; the parent never touches torch, so forking it is safe."""
    if threads:
        import torch

        torch.set_num_threads(threads)


def _run_job(job: tuple[str, int, int, str, str]) -> tuple[str, int, list[float], float]:
    name, seed, budget, data_dir, tmp = job
    scores, wall = run_once(METHODS[name], seed, budget, data_dir, Path(tmp) / f"{name}-s{seed}")
    return name, seed, scores, wall


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    checkpoints = [b for b in CHECKPOINTS if b < args.budget] + [args.budget]
    optimum = NB201Benchmark(args.data_dir).best("cifar10", "val_accuracy")[1]
    results: dict[tuple[str, int], tuple[list[float], float]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nasloop-guided-") as tmp:
        jobs = [(name, seed, args.budget, args.data_dir, tmp) for name in args.methods for seed in range(args.seeds)]
        with ProcessPoolExecutor(args.jobs, initializer=_set_torch_threads, initargs=(args.torch_threads,)) as pool:
            for name, seed, scores, wall in pool.map(_run_job, jobs):
                results[name, seed] = scores, wall
                curve = best_at(scores, checkpoints)
                print(f"{name} seed {seed}: best val " + ", ".join(f"@{b} {v:.2f}" for b, v in zip(checkpoints, curve))
                      + f"; optimum after {fmt_queries(queries_to(scores, optimum), args.budget)} queries, "
                      f"{wall:.1f} s", file=sys.stderr, flush=True)
    rows: dict[str, dict[str, Any]] = {}
    for name in args.methods:
        runs = [results[name, seed] for seed in range(args.seeds)]
        rows[name] = {"describe": METHODS[name].describe(),
                      "best_val": np.asarray([best_at(scores, checkpoints) for scores, _ in runs]),
                      "queries_to_optimum": np.asarray([queries_to(scores, optimum) for scores, _ in runs]),
                      "wall": np.asarray([wall for _, wall in runs])}
    runtime = time.perf_counter() - started
    print(f"### NB201 cifar10 val-200: guided search ({args.seeds} seeds, budget {args.budget}, "
          "accuracies in %, mean ± 95 % CI)\n")
    print(table(rows, checkpoints, args.budget, optimum), end="\n\n")
    print(f"Anchor: {FLAN_PAPER_NOTE}.")
    print("Budgets count distinct evaluations (duplicates are answered from the store at no cost).")
    print(f"Total runtime: {runtime:.1f} s")
    if args.json:
        record = {"seeds": args.seeds, "budget": args.budget, "checkpoints": checkpoints, "optimum": optimum,
                  "runtime_seconds": runtime, "anchor": FLAN_PAPER_NOTE,
                  "methods": {name: {"describe": row["describe"], "best_val": row["best_val"].tolist(),
                                     "queries_to_optimum": [None if math.isinf(q) else q
                                                            for q in row["queries_to_optimum"]],
                                     "wall_seconds": row["wall"].tolist()} for name, row in rows.items()}}
        args.json.write_text(json.dumps(record, indent=1))
        print(f"Raw numbers written to {args.json}")


if __name__ == "__main__":
    main()
