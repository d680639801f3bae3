"""How evaluation throughput scales with Ray workers: in-process vs Ray with 1, 2, ... workers.

What it measures
----------------
The same random search (seed ``--seed``, budget ``--networks`` distinct NB201 cells, so every run
evaluates the same cells) runs through the real search loop and SQLite store once per executor:
the in-process executor, then the Ray executor with each worker count of ``--workers``. By default
the evaluator is the zero-cost ``proxy`` evaluator scoring synflow on a real CIFAR-10 mini-batch;
``--evaluator train`` trains each network instead (``--fidelity`` epochs), and ``tabular`` only
looks the cell up (pure executor overhead). For each run the table gives:

* the in-process run uses ``--inprocess-threads`` torch threads (default: the CPUs of one Ray
  worker, which Ray passes to it as OMP_NUM_THREADS), so the comparison is per trial like for like;
* start-up s: building the executor (for Ray: ``ray.init`` of a fresh local cluster);
* wall s: the search itself, from the first ask to the last stored result. For Ray this includes
  spawning the worker actors and each worker's first-trial work (importing torch, loading data);
* networks/s: distinct networks evaluated successfully / wall s, and the speed-up over the in-process run
  (failed evaluations are the ``failed`` column, not throughput: a run whose every trial failed at once, as
  ``--option device=auto`` once made every synflow score fail, read as the fastest; the first failure's reason
  goes to stderr);
* worker busy: the seconds trials took (their reported cost) / (wall s x workers): how much of the
  time the workers spent evaluating rather than waiting (not shown for tabular, whose cost is simulated);
* with the training evaluator, images/s: images trained by all trials together / wall s (each
  trial reports its own images/s and training seconds), and the mean images/s of one trial.

Each Ray run starts its own local Ray (on loopback) and shuts it down, unless ``--ray-address``
joins an existing cluster. Every worker holds ``--cpus-per-trial`` CPUs and
``--gpus-per-trial`` GPUs (fractional shares one GPU between trials).

How to run
----------
    .venv/bin/python benchmarks/ray_scaling.py                     # 200 networks, synflow, in-process vs 1, 2 workers
    .venv/bin/python benchmarks/ray_scaling.py --evaluator tabular # executor overhead alone
    # a GPU machine: four training trials share each GPU
    python benchmarks/ray_scaling.py --evaluator train --fidelity 1 --networks 16 --workers 4 \\
        --gpus-per-trial 0.25 --cpus-per-trial 2 --no-inprocess --option device=cuda

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data`` (the proxy and training
evaluators use its CIFAR-10 subset unless the full batches are there). Progress goes to stderr,
the table to stdout; ``--json FILE`` also writes the raw numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from nasloop.engine.assemble import build_context, build_space
from nasloop.engine.cli_types import int_list, non_negative_float, positive_float, positive_int, seed_int
from nasloop.engine.config import construct, route_options
from nasloop.engine.errors import ConfigError, NasloopError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.executors.base import Executor
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.executors.ray_executor import RayExecutor
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.registry import EVALUATORS, SEARCH_SPACES
from nasloop.engine.store import RunStore
from nasloop.search_spaces.base import SearchSpace
from nasloop.strategies.random_search import RandomSearch
from script_args import ScriptParser, add_data_dir, output_file, run_main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = ScriptParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--networks", type=positive_int, default=200, help="distinct NB201 networks per run (default 200)")
    p.add_argument("--evaluator", default="proxy", help="proxy (default), train or tabular")
    p.add_argument("--proxies", default="synflow", help="with --evaluator proxy: comma-separated proxy names")
    p.add_argument("--fidelity", type=positive_int, help="epochs, for --evaluator train (or a tabular fidelity)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="an evaluator option (VALUE read as JSON when it parses), repeatable")
    p.add_argument("--dataset", default="cifar10", help="NB201 task or training dataset (default cifar10)")
    add_data_dir(p)
    p.add_argument("--workers", type=int_list, default=[1, 2],
                   help="Ray worker counts to run, comma-separated (default 1,2)")
    p.add_argument("--cpus-per-trial", type=positive_float, default=1.0, help="CPUs per Ray trial (default 1)")
    p.add_argument("--gpus-per-trial", type=non_negative_float, default=0.0, help="GPUs per Ray trial (default 0)")
    p.add_argument("--ray-address", help="join this Ray cluster instead of starting a local one")
    p.add_argument("--inprocess-threads", type=positive_int,
                   help="torch threads of the in-process run (default: --cpus-per-trial, as a Ray worker gets)")
    p.add_argument("--no-inprocess", action="store_true", help="skip the in-process baseline (e.g. on a GPU machine)")
    p.add_argument("--seed", type=seed_int, default=0, help="the random strategy's seed (default 0)")
    p.add_argument("--json", type=output_file, help="also write the raw numbers here")
    return p.parse_args(argv)


def evaluator_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.evaluator == "proxy":
        options["proxies"] = [name.strip() for name in args.proxies.split(",") if name.strip()]
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--option takes KEY=VALUE, got '{item}'")
        try:
            options[key.replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            options[key.replace("-", "_")] = value
    return options


def evaluator_for(args: argparse.Namespace, run_dir: Path) -> tuple[SearchSpace, Evaluator]:
    """The NB201 space and the evaluator of one run: a bad name, option or missing data file is refused here."""
    factory = EVALUATORS.get(args.evaluator)
    options, space_options = route_options(evaluator_options(args), factory, SEARCH_SPACES.get("nb201"))
    context = build_context(SEARCH_SPACES.get("nb201"), args.dataset, args.data_dir, str(run_dir))
    space = build_space("nb201", context, **space_options)  # --option channels=8 sizes the network
    try:
        evaluator = construct("evaluator", args.evaluator, factory, space, wiring={"context": context}, **options)
        evaluator.check(args.fidelity)
    except NasloopError as error:  # nasloop's words name its --device flag: this script sets it by --option
        if "--device " not in str(error):
            raise
        raise ConfigError(str(error).replace("--device ", "--option device=")) from None
    return space, evaluator


def run(args: argparse.Namespace, workers: int | None, work_dir: Path) -> dict[str, Any]:
    """One search of ``args.networks`` distinct cells; ``workers`` None means in-process."""
    run_dir = work_dir / ("inprocess" if workers is None else f"ray-{workers}")
    space, evaluator = evaluator_for(args, run_dir)
    if workers is None:  # the same compute per trial as one Ray worker, whose OMP_NUM_THREADS is its CPUs
        torch.set_num_threads(args.inprocess_threads or max(1, round(args.cpus_per_trial)))
    started = time.perf_counter()
    executor: Executor = InProcessExecutor() if workers is None else RayExecutor(
        workers=workers, cpus_per_trial=args.cpus_per_trial, gpus_per_trial=args.gpus_per_trial,
        address=args.ray_address)
    startup = time.perf_counter() - started
    with RunStore.in_run_dir(run_dir, create=True) as store, executor:
        loop = SearchLoop(space, RandomSearch(space, seed=args.seed), evaluator, executor, store,
                          Budget(args.networks), objective=evaluator.objective, minimize=evaluator.minimize,
                          fidelity=args.fidelity)
        started = time.perf_counter()
        loop.run()
        wall = time.perf_counter() - started
        trials = store.evaluations()
    ok = [t.result for t in trials if t.result.ok]
    row = {"executor": "inprocess" if workers is None else "ray", "workers": workers or 1,
           "startup_s": startup, "wall_s": wall, "networks": len(trials), "failed": len(trials) - len(ok),
           "networks_per_s": len(ok) / wall}
    reasons = [t.result.reason for t in trials if not t.result.ok]
    if reasons:
        row["first_failure"] = reasons[0]
    if args.evaluator != "tabular":  # a table's cost is simulated training time, not seconds spent here
        row["utilisation"] = sum(t.result.cost for t in trials) / (wall * (workers or 1))
    if ok and all("images_per_second" in r.metrics and "train_seconds" in r.metrics for r in ok):
        images = sum(r.metrics["images_per_second"] * r.metrics["train_seconds"] for r in ok)
        row["images_per_s"] = images / wall
        row["trial_images_per_s"] = sum(r.metrics["images_per_second"] for r in ok) / len(ok)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    base = rows[0]["wall_s"] if rows[0]["executor"] == "inprocess" else None
    images = any("images_per_s" in r for r in rows)
    busy = all("utilisation" in r for r in rows)
    head = ["executor", "workers", "start-up s", "wall s", "networks", "failed", "networks/s"]
    head += ["speed-up"] if base else []
    head += ["worker busy"] if busy else []
    head += ["images/s (all trials)", "images/s (one trial)"] if images else []
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["executor"], str(r["workers"]), f"{r['startup_s']:.1f}", f"{r['wall_s']:.1f}",
                 str(r["networks"]), str(r["failed"]), f"{r['networks_per_s']:.2f}"]
        cells += [f"{base / r['wall_s']:.2f}x"] if base else []
        cells += [f"{r['utilisation']:.0%}"] if busy else []
        cells += [f"{r.get('images_per_s', float('nan')):,.0f}", f"{r.get('trial_images_per_s', float('nan')):,.0f}"] \
            if images else []
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan: list[int | None] = ([] if args.no_inprocess else [None]) + args.workers
    rows = []
    with tempfile.TemporaryDirectory(prefix="nasloop-ray-scaling-") as tmp:
        evaluator_for(args, Path(tmp) / "check")  # a refusal comes before the first progress line, alone
        for workers in plan:
            print(f"running {'in-process' if workers is None else f'Ray, {workers} workers'} ...", file=sys.stderr)
            rows.append(run(args, workers, Path(tmp)))
            print(f"  {rows[-1]['networks']} networks in {rows[-1]['wall_s']:.1f} s", file=sys.stderr)
            if "first_failure" in rows[-1]:
                print(f"  {rows[-1]['failed']} failed, not counted in networks/s (the first: "
                      f"{rows[-1]['first_failure']})", file=sys.stderr)
    title = f"{args.networks} NB201 networks, evaluator {args.evaluator}"
    title += f" ({args.proxies})" if args.evaluator == "proxy" else ""
    threads = args.inprocess_threads or max(1, round(args.cpus_per_trial))
    print(f"{title}, {os.cpu_count()} CPUs, {args.cpus_per_trial:g} CPU and {args.gpus_per_trial:g} GPU per Ray trial, "
          f"{threads} torch thread(s) in-process\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":  # a refusal in the one line every benchmark script ends with ('ray_scaling: ...' was not)
    run_main(main)
