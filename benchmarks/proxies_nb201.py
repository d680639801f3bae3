"""Our zero-cost proxies against NAS-Bench-Suite-Zero's, on the NB201 CIFAR-10 cells it published.

What it measures
----------------
For the NB201 CIFAR-10 cells of ``zc_proxies_partial.json.gz`` (725; ``--limit N`` takes N of
them spread evenly over the file's sorted cells), every proxy is computed by nasloop on the real
network (C=16, N=5) and one real CIFAR-10 mini-batch (``--batch-size``, seed 0), through
``score_architectures``, the function ``nasloop proxies`` calls. The batch defaults to 32, the size
NAS-Bench-Suite-Zero used for these files (its jacov and nwot values scale with the batch size:
-32 and about 400 for NB201 cells, ours at 32 match, at 64 they double). The table gives, per proxy:

* rho vs Suite-Zero: Spearman between our score and NAS-Bench-Suite-Zero's for the same cells
  (Zen's reference is the Suite's Zen column of ``nasbench201_all.csv.gz``, which the proxy file
  lacks). Cells where either score is undefined (no input-output path) are left out; "n" says
  how many remain.
* rho(acc) ours / Suite-Zero: Spearman of each score with the cells' NB201 CIFAR-10 validation
  accuracy (200 epochs), ours and the Suite's over the same cells, beside the zero-cost-nas
  paper's published values (Abdelfattah et al. 2021, all 15,625 cells).
* s/net and nets/s: the mean seconds one proxy takes per network, network construction
  included (``proxy_seconds`` of each record), and its inverse.

How to run
----------
    .venv/bin/python benchmarks/proxies_nb201.py --limit 40                     # quick look
    .venv/bin/python benchmarks/proxies_nb201.py --proxies synflow,zen,params,flops
    .venv/bin/python benchmarks/proxies_nb201.py --threads 1 --json out.json    # full run, raw numbers too

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``; it must hold
``zc_proxies_partial.json.gz``, ``nasbench201_all.csv.gz`` and ``cifar10_subset.npz`` (or the
official CIFAR-10). Progress goes to stderr, the table to stdout.
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np
import torch
from scipy.stats import spearmanr

from nasloop.engine.cli_types import int_at_least, name_list, positive_int, seed_int
from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.search_spaces.nb201.suite_zero import load_nb201_zc
from nasloop.engine.evaluators.proxies import score_architectures
from nasloop.search_spaces.nb201 import NB201Space
from script_args import ScriptParser, add_data_dir, output_file, run_main

PROXIES = ("synflow", "params", "flops", "zen", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot",
           "l2_norm", "plain", "epe_nas")
# Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021: NB201 CIFAR-10, all cells.
PUBLISHED = {"synflow": 0.74, "jacov": 0.73, "snip": 0.60, "grad_norm": 0.59, "grasp": 0.51, "fisher": 0.36}
TARGET = {"synflow": 0.9, "params": 0.9, "flops": 0.9, "zen": 0.9}


def spread(cells: list, limit: int | None) -> list:
    """``limit`` cells evenly spaced over the sorted list (all of them without a limit)."""
    cells = sorted(cells)
    if not limit or limit >= len(cells):
        return cells
    return [cells[i] for i in np.linspace(0, len(cells) - 1, limit).round().astype(int)]


def rho(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    both = np.isfinite(a) & np.isfinite(b)
    return (float(spearmanr(a[both], b[both])[0]) if both.sum() > 2 else float("nan")), int(both.sum())


def main(argv: list[str] | None = None) -> None:
    parser = ScriptParser(description=__doc__.split("\n\n")[0])
    add_data_dir(parser)
    parser.add_argument("--limit", type=int_at_least(3), default=None,
                        help="score only N cells, spread over the file (at least 3: the rank correlations need them)")
    parser.add_argument("--proxies", type=name_list, default=list(PROXIES), help="comma-separated (default: all)")
    parser.add_argument("--batch-size", type=positive_int, default=32)
    parser.add_argument("--seed", type=seed_int, default=0)
    parser.add_argument("--threads", type=positive_int, default=None, help="torch intra-op threads (default: torch's)")
    parser.add_argument("--json", type=output_file, default=None, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    names = args.proxies

    reference = load_nb201_zc("cifar10", args.data_dir)
    cells = spread(list(reference), args.limit)
    zen_reference = NB201Benchmark(args.data_dir).proxy_scores(cells, "zen", "cifar10")
    accuracy = np.array([reference[c]["val_accuracy"] for c in cells])
    proxy_seconds: dict[str, list[float]] = {n: [] for n in names}
    started = time.perf_counter()

    def progress(record: dict[str, Any]) -> None:
        for name, seconds in record["proxy_seconds"].items():
            proxy_seconds[name].append(seconds)
        done = len(proxy_seconds[names[0]])
        if done % 10 == 0 or done == len(cells):
            print(f"  {done}/{len(cells)} cells, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    records = score_architectures(NB201Space(), cells, names, data_dir=args.data_dir, batch_size=args.batch_size,
                                  seed=args.seed, on_result=progress)
    rows = []
    for name in names:
        ours = np.array([np.nan if r["scores"][name] is None else r["scores"][name] for r in records])
        theirs = zen_reference if name == "zen" else np.array([reference[c].get(name, np.nan) for c in cells])
        vs_suite, n = rho(ours, theirs)
        seconds = float(np.mean(proxy_seconds[name]))
        rows.append({"proxy": name, "rho_vs_suite_zero": vs_suite, "n": n,
                     "rho_acc_ours": rho(ours, accuracy)[0], "rho_acc_suite_zero": rho(theirs, accuracy)[0],
                     "rho_acc_published": PUBLISHED.get(name), "seconds_per_net": seconds,
                     "nets_per_second": 1.0 / seconds, "failed": int(np.count_nonzero(~np.isfinite(ours)))})

    print(f"\nNB201 CIFAR-10, {len(cells)} cells of NAS-Bench-Suite-Zero's proxy file, batch {args.batch_size}, "
          f"seed {args.seed}, {torch.get_num_threads()} torch thread(s)")
    print(f"{'proxy':<10} {'rho vs Suite-Zero':>17} {'n':>4} {'target':>6} {'rho(acc) ours':>13} "
          f"{'Suite-Zero':>10} {'published':>9} {'s/net':>7} {'nets/s':>7} {'failed':>6}")
    for r in rows:
        target = f">={TARGET[r['proxy']]}" if r["proxy"] in TARGET else "-"
        published = f"{r['rho_acc_published']:.2f}" if r["rho_acc_published"] is not None else "-"
        print(f"{r['proxy']:<10} {r['rho_vs_suite_zero']:>17.3f} {r['n']:>4} {target:>6} {r['rho_acc_ours']:>13.3f} "
              f"{r['rho_acc_suite_zero']:>10.3f} {published:>9} {r['seconds_per_net']:>7.3f} "
              f"{r['nets_per_second']:>7.2f} {r['failed']:>6}")
    if args.json:
        args.json.write_text(json.dumps({"cells": len(cells), "batch_size": args.batch_size, "seed": args.seed,
                                         "threads": torch.get_num_threads(), "rows": rows}, indent=2))


if __name__ == "__main__":
    run_main(main)
