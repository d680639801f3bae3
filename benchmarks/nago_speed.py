"""Training speed of NAGO networks: images per second through nasloop's Trainer, per generator and size.

What it measures
----------------
For a few NAGO generator points (``--point``, repeatable; by default a small shallow generator
``g1=3,2,0.5;g2=3,0.5;g3=3,2,0.5``, the reference example ``g1=8,4,0.75;g2=5,0.3;g3=7,3,0.5`` and the
largest, deepest one ``g1=10,5,1;g2=10,0.1;g3=10,5,0.1``) at each of ``--param-limits`` (1e5 and
4e6, NAGO's own budget, by default), the script builds draw ``--seed`` of the generator
(``NAGOSpace(param_limit).to_module``), prints what :meth:`NAGOSpace.network_facts` says about it
(exact parameters, MFLOPs per 32x32 image under the ``flops`` proxy's rules, the widest stage's
channels, the ReLU-conv-BN op count) and trains it with
:class:`nasloop.engine.evaluators.trainer.Trainer` on real CIFAR-10 images (the full training set
when present, else the shipped class-balanced subset), as the ``train`` evaluator does: data kept on
the device as uint8, crop and flip on whole batches, channels_last, bf16 autocast on CUDA, SGD +
Nesterov, cosine schedule.

Each network trains ``--epochs`` epochs over the same ``--images`` images. The first epoch warms up
(moving the data to the device, cuDNN autotuning, ``torch.compile``) and is reported apart:
"steady img/s" is over the later epochs. With ``--compile`` each network is also timed through
``torch.compile`` (CUDA graphs on a GPU). "s / CIFAR epoch" is 50,000 images at the steady rate: what
one epoch of full CIFAR-10 training of that network would take on this device.

Anchor: NAGO's paper trains its sampled networks (about 4M parameters at the paper's budget) for
600 epochs on a GPU; on a CPU only the 1e5-parameter networks train at a usable rate, which is why
the ``train`` setting of ``benchmarks/nago_search.py`` uses tiny limits.

How to run
----------
    .venv/bin/python benchmarks/nago_speed.py                              # CPU, about 2-3 minutes
    .venv/bin/python benchmarks/nago_speed.py --device cuda --compile      # GPU: larger defaults
    .venv/bin/python benchmarks/nago_speed.py --param-limits 2e4,1e5 --point 'g1=5,3,0.4;g2=4,0.5;g3=5,2,0.3'

CPU defaults: 128 images, batch 32, 2 epochs; CUDA defaults: 10,240 images, batch 256, 3 epochs.
Torch's intra-op threads are left as configured unless ``--threads`` sets them. Data:
``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import time

import torch

from nasloop.engine.cli_types import int_at_least, positive_float, positive_int, seed_int
from nasloop.engine.data.cifar import load_cifar10, locate_cifar10
from nasloop.engine.errors import ConfigError
from nasloop.engine.evaluators.trainer import TrainConfig, Trainer, resolve_device
from nasloop.search_spaces.nago.space import NAGOSpace
from script_args import ScriptParser, add_data_dir, run_main

POINTS = ("g1=3,2,0.5;g2=3,0.5;g3=3,2,0.5", "g1=8,4,0.75;g2=5,0.3;g3=7,3,0.5", "g1=10,5,1;g2=10,0.1;g3=10,5,0.1")
DEFAULTS = {"cpu": {"images": 128, "batch_size": 32, "epochs": 2},
            "cuda": {"images": 10240, "batch_size": 256, "epochs": 3}}
CIFAR_EPOCH = 50_000


def time_training(space: NAGOSpace, point, images, labels, args: argparse.Namespace, compile: bool) -> dict:
    """Train draw ``args.seed`` of ``point``; per-epoch seconds, the steady rate and the whole fit's seconds."""
    torch.manual_seed(args.seed)
    model = space.to_module(point, num_classes=10, seed=args.seed)
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=0.1, seed=args.seed)
    trainer = Trainer(config, device=args.device, compile=compile)
    stamps = [time.perf_counter()]  # taken before fit moves the data: the first epoch includes that
    per_epoch = len(labels) // args.batch_size * args.batch_size
    started = time.perf_counter()
    report = trainer.fit(model, (images, labels), None, None,
                         on_epoch_end=lambda epoch, loss: stamps.append(time.perf_counter()))
    epochs = [b - a for a, b in zip(stamps, stamps[1:])]
    rest = epochs[1:] or epochs
    return {"first": epochs[0], "steady": per_epoch * len(rest) / sum(rest), "fit": time.perf_counter() - started,
            "loss": report.train_loss}


def param_limits(text: str) -> list[float]:
    """The --param-limits list: ',' (or '') named none, and the script printed a table without rows."""
    limits = [positive_float(v) for v in text.split(",") if v.strip()]
    if not limits:
        raise argparse.ArgumentTypeError(f"expected comma-separated param limits such as 1e5,4e6, got '{text}'")
    return limits


def main(argv: list[str] | None = None) -> None:
    parser = ScriptParser(description=__doc__.splitlines()[0])
    parser.add_argument("--point", action="append", help="a NAGO point (repeatable; default: three generators)")
    parser.add_argument("--param-limits", type=param_limits, default=[1e5, 4e6],
                        help="comma-separated param limits (default 1e5,4e6)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    parser.add_argument("--images", type=positive_int, help="training images per epoch (cpu 128, cuda 10240)")
    parser.add_argument("--batch-size", type=positive_int, help="batch size (cpu 32, cuda 256)")
    parser.add_argument("--epochs", type=int_at_least(2),
                        help="epochs, at least 2: the first is warm-up (cpu 2, cuda 3)")
    parser.add_argument("--compile", action="store_true", help="also time torch.compile")
    parser.add_argument("--threads", type=positive_int, help="torch intra-op threads")
    parser.add_argument("--seed", type=seed_int, default=0, help="the generator draw and the initial weights")
    add_data_dir(parser)
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    args.device = str(device)
    for key, value in DEFAULTS["cuda" if device.type == "cuda" else "cpu"].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.images < args.batch_size:
        parser.error(f"--images {args.images} is less than one batch of {args.batch_size}")
    try:  # the space's own check, worded for this script's flag rather than nasloop's --space-opt
        spaces = [NAGOSpace(param_limit=limit) for limit in args.param_limits]
    except ConfigError as error:
        parser.error(re.sub(r"(nago |--space-opt )param_limit=", "--param-limits ", str(error)))
    # every point, and the data, before the first line: a bad one was refused under the table's header
    runs = [(limit, space, space.parse(text)) for limit, space in zip(args.param_limits, spaces)
            for text in args.point or POINTS]
    images, labels = load_cifar10(args.data_dir)
    # absolute, so that it can be pasted in any folder: the interpreter was shown relative to the current folder
    print("Command: `" + shlex.join([sys.executable, os.path.abspath(sys.argv[0])]
                                   + (sys.argv[1:] if argv is None else argv)) + "`\n")
    images, labels = images[:args.images], labels[:args.images]
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
    print(f"device: {name}; data: {locate_cifar10(args.data_dir).describe()}, {len(labels)} training images; "
          f"batch {args.batch_size}, {args.epochs} epochs (the first is warm-up), draw {args.seed}; "
          f"load average at start {os.getloadavg()[0]:.1f}\n")
    head = "| point | param limit | params | MFLOPs | width | ops | steady img/s | first epoch s | s / CIFAR epoch |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if args.compile:
        head += " compiled img/s | compiled first epoch s | compile speed-up |"
        rule += " ---: | ---: | ---: |"
    print(head)
    print(rule)
    started = time.perf_counter()
    for limit, space, point in runs:
        facts = space.network_facts(point, seed=args.seed)
        eager = time_training(space, point, images, labels, args, compile=False)
        line = (f"| `{space.format(point)}` | {limit:g} | {facts['params']:,} | {facts['flops'] / 1e6:,.1f} | "
                f"{facts['width']} | {facts['ops']} | {eager['steady']:,.0f} | {eager['first']:.1f} | "
                f"{CIFAR_EPOCH / eager['steady']:,.0f} |")
        if args.compile:
            compiled = time_training(space, point, images, labels, args, compile=True)
            line += (f" {compiled['steady']:,.0f} | {compiled['first']:.1f} | "
                     f"{compiled['steady'] / eager['steady']:.2f}x |")
        print(line, flush=True)
    print(f"\nTotal wall time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    run_main(main)
