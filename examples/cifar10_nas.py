"""Neural architecture search on CIFAR-10 with real training, through nasloop's Python API.

The defaults are a quick CPU run: 4 NB201 cells drawn at random (regularized evolution's first 50 are random
draws too), each trained for 1 epoch as a small network (C=8, N=1) on 2,000 images of the class-balanced CIFAR-10
subset.
It prints a line as each trial finishes (trials done, the best validation accuracy so far), then
the best architecture with its validation accuracy (what the search optimised) and its test
accuracy (reported only).

    python examples/cifar10_nas.py --data-dir ../shared/data

On a GPU machine, train the standard NB201 network (C=16, N=5) on the full CIFAR-10 (put the
official ``cifar-10-batches-py`` folder in the data folder, or pass --download) for longer, with
trials spread over the GPUs by Ray, several per GPU:

    python examples/cifar10_nas.py --strategy evolution --budget 100 --epochs 12 --channels 16 --cells 5 \\
        --train-images 0 --batch-size 256 --compile --executor ray --workers 8 --gpus-per-trial 0.25

``--ray-address HOST:PORT`` joins an existing Ray cluster to go beyond one machine. An interrupted run
continues with ``nasloop search --resume RUN_DIR``; trials cut off mid-training restart from
their last finished epoch.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from typing import NoReturn

from nasloop.engine.cli_parser import negative_values_attached
from nasloop.engine.cli_types import (int_at_least, non_negative_float, path_text, positive_float, positive_int,
                                      seed_int)
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.cifar import DOWNLOAD_HINT
from nasloop.engine.errors import MissingDataError, NasloopError
from nasloop.engine.search import search


def build_parser() -> argparse.ArgumentParser:
    """The script's flags. The default strategy is random: a 4-cell search with evolution was random search all the
    same, and nasloop's note after it advised lowering population_size, which this script has no flag for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=path_text, help="folder holding cifar10_subset.npz or cifar-10-batches-py")
    parser.add_argument("--run-dir", type=path_text,
                        help="where the run's store and checkpoints go (default: runs/...)")
    parser.add_argument("--budget", type=positive_int, default=4, help="architectures to train")
    parser.add_argument("--epochs", type=positive_int, default=1,
                        help="training epochs per architecture (the fidelity)")
    parser.add_argument("--strategy", default="random",
                        help="how architectures are chosen (default random; evolution once --budget passes 50)")
    parser.add_argument("--seed", type=seed_int, default=0,
                        help="the search's seed: which architectures it proposes (default 0)")
    parser.add_argument("--train-seed", type=seed_int, default=0,
                        help="the training's seed: initial weights, data order and splits (default 0); apart from "
                             "--seed, so the search's seed does not change how an architecture trains")
    parser.add_argument("--channels", type=positive_int, default=8, help="NB201 C (16 is the benchmark's)")
    parser.add_argument("--cells", type=positive_int, default=1, help="NB201 N, cells per stage (5 is the benchmark's)")
    parser.add_argument("--train-images", type=int_at_least(0), default=2000,
                        help="class-balanced training sample; 0: all")
    parser.add_argument("--batch-size", type=positive_int, default=32, help="default 32")
    parser.add_argument("--lr", type=positive_float, default=0.05, help="SGD learning rate (default 0.05)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--compile", action="store_true", help="torch.compile the networks (CUDA graphs on a GPU)")
    parser.add_argument("--download", action="store_true", help="download the full CIFAR-10 if absent")
    parser.add_argument("--executor", default="inprocess", help="inprocess, or ray to spread trials over workers")
    parser.add_argument("--workers", type=positive_int, help="Ray: trials running at once")
    parser.add_argument("--gpus-per-trial", type=non_negative_float,
                        help="Ray: GPUs per trial (0.25: four trials per GPU)")
    parser.add_argument("--cpus-per-trial", type=non_negative_float,
                        help="Ray: CPUs per trial (default 1; a joined cluster's CPUs can be what is short)")
    parser.add_argument("--ray-address", dest="address",
                        help="Ray: address of an existing cluster (auto, HOST:PORT; nasloop search's flag, which "
                             "nasloop's Ray messages name)")
    return parser


def main() -> None:
    args = build_parser().parse_args(negative_values_attached(sys.argv[1:]))  # '--lr -1e-3' is a value to refuse
    ray_flags = [flag for flag, value in (("--workers", args.workers), ("--gpus-per-trial", args.gpus_per_trial),
                                          ("--cpus-per-trial", args.cpus_per_trial), ("--ray-address", args.address))
                 if value is not None]
    if ray_flags and args.executor == "inprocess":  # else the search names the executor's parameter, not the flag
        refuse(f"{ray_flags[0]} is an option of --executor ray, not of 'inprocess'; add --executor ray")

    try:
        run(args)
    except MissingDataError as exc:  # its advice names the nasloop command's options; this script has its own flag
        # (appending '(here: --download)' still told the user --evaluator-opt and --train-opt, which it does not take)
        refuse(str(exc).replace(DOWNLOAD_HINT, "or give --download to fetch it"))
    except NasloopError as exc:  # bad input, a damaged data file: one line, as the nasloop command prints it
        # Ray's refusal of a trial's share named "the executor's cpus_per_trial", an option of nasloop's
        # --executor-opt that this script had no flag for: it is --cpus-per-trial here
        refuse(re.sub(r"(the executor's )?\bcpus_per_trial\b", "--cpus-per-trial", str(exc)))


def refuse(message: str) -> NoReturn:
    """One line on stderr and exit status 2, as the nasloop command and the benchmark scripts refuse bad input (and
    as argparse refuses a bad flag here): ``SystemExit(text)`` exited 1, the status of a run that failed."""
    print(f"cifar10_nas.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def search_config(args: argparse.Namespace) -> SearchConfig:
    """The search the flags describe. ``--seed`` is the search's alone and ``--train-seed`` the training's, as the
    README has them: --seed's help said it seeded the training too, which always used seed 0."""
    executor_options = {k: v for k, v in (("workers", args.workers), ("gpus_per_trial", args.gpus_per_trial),
                                          ("cpus_per_trial", args.cpus_per_trial), ("address", args.address))
                        if v is not None}
    return SearchConfig(
        space="nb201", dataset="cifar10", strategy=args.strategy, evaluator="train", executor=args.executor,
        budget=args.budget, fidelity=args.epochs, seed=args.seed, data_dir=args.data_dir, run_dir=args.run_dir,
        executor_options=executor_options,
        space_options={"channels": args.channels, "cells": args.cells},
        evaluator_options={"batch_size": args.batch_size,
                           "lr": args.lr, "train_images": args.train_images or None, "device": args.device,
                           "compile": args.compile, "download": args.download, "seed": args.train_seed},
    )


def run(args: argparse.Namespace) -> None:
    config = search_config(args)

    def progress(done: int, total: int | None, best: float | None) -> None:
        shown = "-" if best is None else f"{best:.2f} %"
        print(f"  {done}/{total if total is not None else '?'} trials done, best validation accuracy {shown}",
              flush=True)

    claimed: list[str] = []  # the run folder, once the search has created it: Ctrl-C then names it
    try:
        summary = search(config, on_progress=progress, on_run_dir=claimed.append,
                         on_note=lambda text: print(f"note: {text}", file=sys.stderr))
    except KeyboardInterrupt:
        print(f"interrupted; continue with 'nasloop search --resume {claimed[0]}'" if claimed else
              "interrupted before the search created its folder; nothing to continue", file=sys.stderr)
        raise SystemExit(130) from None
    best = summary["best"]
    if best is None:
        print(json.dumps(summary, indent=2))
        raise SystemExit("no architecture trained successfully; see the failures above")
    m = best["metrics"]
    print(f"run: {summary['run_dir']} ({summary['evaluations']} trained, {summary['failed']} failed, "
          f"{summary['wall_seconds']:.0f} s)")
    print(f"best architecture: {best['arch']}")
    print(f"  validation accuracy {m['val_accuracy']:.2f} %   test accuracy {m['test_accuracy']:.2f} %   "
          f"params {int(m['params']):,}   {m['images_per_second']:.0f} images/s")


if __name__ == "__main__":
    main()
