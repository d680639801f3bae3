"""Training throughput: nasloop's trainer against a plain PyTorch loop, same network, same data.

What it measures
----------------
Images per second while training one NB201 network (the best CIFAR-10 cell, C=16, N=5 and
batch 256 by default) on real CIFAR-10 images (the full dataset when present, else the subset),
data loading and augmentation included, on whatever device is there (``--device``):

* plain: the loop most PyTorch code has: a ``Dataset`` that crops (4 px reflect padding) and
  flips each image on the host in numpy, a ``DataLoader`` batching them, a copy of each batch
  to the device, fp32, NCHW, SGD + Nesterov, ``loss.item()`` every step;
* nasloop: :class:`nasloop.engine.evaluators.trainer.Trainer` (data kept on the device as uint8,
  crop/flip on whole batches on the device, channels_last, bf16 autocast on CUDA, fused SGD);
* nasloop + compile (``--compile``): the same with ``torch.compile`` (CUDA graphs on a GPU).

Each runs ``--epochs`` epochs over the same ``--images`` training images; the first epoch warms
up (cuDNN autotuning, compilation) and is reported apart: "steady" is images/s over the other
epochs, "all" over every epoch. Both loops use the same network, batch size, optimiser and
initial weights.

How to run
----------
    .venv/bin/python benchmarks/train_throughput.py --data-dir ../shared/data              # GPU: the full run
    .venv/bin/python benchmarks/train_throughput.py --images 1024 --epochs 2 --channels 8 --cells 1   # CPU
    .venv/bin/python benchmarks/train_throughput.py --compile --batch-size 1024

Torch's intra-op threads are left as configured (``--threads`` sets them).
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from nasloop.engine.cli_types import int_at_least, positive_int, seed_int
from nasloop.engine.data.cifar import load_cifar10, locate_cifar10
from nasloop.engine.evaluators.trainer import MEAN, STD, TrainConfig, Trainer, resolve_device
from nasloop.search_spaces.nb201 import NB201Space
from script_args import ScriptParser, add_data_dir, run_main

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


class HostAugmented(Dataset):
    """The usual per-image pipeline: reflect-pad 4, random 32x32 crop, random flip, normalise."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, seed: int) -> None:
        self.images = np.pad(images, ((0, 0), (4, 4), (4, 4), (0, 0)), mode="reflect")
        self.labels = labels
        self.rng = np.random.default_rng(seed)
        self.mean = np.asarray(MEAN, dtype=np.float32) * 255
        self.std = np.asarray(STD, dtype=np.float32) * 255

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        r, c = self.rng.integers(0, 9, size=2)
        image = self.images[i, r:r + 32, c:c + 32]
        if self.rng.random() < 0.5:
            image = image[:, ::-1]
        image = (image.astype(np.float32) - self.mean) / self.std
        return torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1))), int(self.labels[i])


def plain_loop(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, args: argparse.Namespace,
               device: torch.device) -> list[tuple[float, int]]:
    """Train with the plain loop; returns (seconds, images) per epoch."""
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loader = DataLoader(HostAugmented(images, labels, args.seed), batch_size=args.batch_size, shuffle=True,
                        drop_last=True, num_workers=args.loader_workers, pin_memory=device.type == "cuda")
    epochs = []
    model.train()
    for _ in range(args.epochs):
        start, seen = time.perf_counter(), 0
        for x, y in loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
            seen += len(y)
        epochs.append((time.perf_counter() - start, seen))
    return epochs


def nasloop_trainer(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, args: argparse.Namespace,
                    compile: bool) -> list[tuple[float, int]]:
    """Train with nasloop's Trainer; returns (seconds, images) per epoch, timed at each epoch's end."""
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=0.1, seed=args.seed)
    trainer = Trainer(config, device=args.device, compile=compile)
    stamps = [time.perf_counter()]
    per_epoch = len(labels) // args.batch_size * args.batch_size
    trainer.fit(model, (images, labels), None, None,
                on_epoch_end=lambda epoch, loss: stamps.append(time.perf_counter()))
    # the first stamp is taken before fit moves the data to the device: that counts as loading
    return [(b - a, per_epoch) for a, b in zip(stamps, stamps[1:])]


def rates(epochs: list[tuple[float, int]]) -> tuple[float, float]:
    """(steady images/s over epochs after the first, images/s over all epochs); ``--epochs`` is at least 2, so the
    steady figure never includes the warm-up (with one epoch it was the warm-up's own rate, printed as steady)."""
    rest = epochs[1:]
    steady = sum(n for _, n in rest) / sum(s for s, _ in rest)
    return steady, sum(n for _, n in epochs) / sum(s for s, _ in epochs)


def main() -> None:
    parser = ScriptParser(description=__doc__.splitlines()[0])
    add_data_dir(parser)
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    parser.add_argument("--channels", type=positive_int, default=16, help="NB201 C (default 16, the benchmark's)")
    parser.add_argument("--cells", type=positive_int, default=5, help="NB201 N (default 5, the benchmark's)")
    parser.add_argument("--batch-size", type=positive_int, default=256, help="default 256")
    parser.add_argument("--images", type=int_at_least(0), default=0, help="training images used (0: all)")
    parser.add_argument("--epochs", type=int_at_least(2), default=3,
                        help="at least 2: the first counts as warm-up (default 3)")
    parser.add_argument("--compile", action="store_true", help="also time nasloop with torch.compile")
    parser.add_argument("--loader-workers", type=int_at_least(0), default=0,
                        help="DataLoader workers of the plain loop")
    parser.add_argument("--threads", type=positive_int, help="torch intra-op threads")
    parser.add_argument("--seed", type=seed_int, default=0, help="initial weights and augmentation (default 0)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)

    images, labels = load_cifar10(args.data_dir)
    if args.images:
        images, labels = images[:args.images], labels[:args.images]
    if len(labels) < args.batch_size:  # every epoch would drop its only, partial batch and time nothing
        parser.error(f"{len(labels)} training images are fewer than one batch of {args.batch_size}; give a smaller "
                     "--batch-size or more --images")
    space = NB201Space(channels=args.channels, cells=args.cells)
    arch = space.parse(BEST_CELL)

    def network() -> torch.nn.Module:
        torch.manual_seed(args.seed)
        return space.to_module(arch)

    print(f"data: {locate_cifar10(args.data_dir).describe()}, {len(labels)} training images", file=sys.stderr)
    print(f"device: {torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'} "
          f"({torch.get_num_threads()} threads), NB201 best cell C={args.channels} N={args.cells}, "
          f"batch {args.batch_size}, {args.epochs} epochs")
    results = {"plain fp32 loop": plain_loop(network(), images, labels, args, device),
               "nasloop trainer": nasloop_trainer(network(), images, labels, args, compile=False)}
    if args.compile:
        results["nasloop trainer + compile"] = nasloop_trainer(network(), images, labels, args, compile=True)
    base = rates(results["plain fp32 loop"])[0]
    print(f"{'loop':<28}{'steady img/s':>14}{'all img/s':>12}{'first epoch s':>15}{'vs plain':>10}")
    for name, epochs in results.items():
        steady, overall = rates(epochs)
        print(f"{name:<28}{steady:>14.0f}{overall:>12.0f}{epochs[0][0]:>15.1f}{steady / base:>9.2f}x")


if __name__ == "__main__":
    run_main(main)
