"""Evaluation by real training: the fidelity is the number of epochs.

Datasets:
- ``cifar10``: the official python batches when present, else nasloop's class-balanced subset
  (``cifar_source`` forces one; see :mod:`nasloop.engine.data.cifar`).
- ``imagenet``: any image folder with ``train/<class>/`` and ``val/<class>/``. ``image_dir``
  names the folder; without it, a subfolder called ``imagenet`` of the data folders (``data_dir``,
  ``$NASLOOP_DATA``, the user cache) is used, so ``data_dir`` means the same thing for every dataset:
  the folder that holds datasets. The folder's ``val`` split is the test set (ImageNet's labelled
  validation set is the de-facto test set); the validation split is carved from ``train``.

The validation split steers the search; the test accuracy is measured separately and only
reported. With a ``run_dir`` every trial checkpoints each epoch under
``<run_dir>/checkpoints/<arch hash>-e<epochs>-s<seed>/``, so a trial that is interrupted and run
again continues from its last finished epoch.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from ...search_spaces.base import SearchSpace
from ..data.cifar import NUM_CLASSES as CIFAR_CLASSES
from ..data.cifar import load_cifar10, locate_cifar10
from ..data.imagenet import ImageFolder, list_classes
from ..data.paths import search_dirs
from ..errors import ConfigError, DataError
from ..registry import SEARCH_SPACES, register_evaluator
from ..types import Arch, Result
from .base import Evaluator
from .trainer import DeviceArrays, TrainConfig, Trainer, TrainReport, resolve_device, stratified_split

log = logging.getLogger(__name__)

DATASETS = ("cifar10", "imagenet")
IMAGE_FOLDER_NAME = "imagenet"
IN_MEMORY_LIMIT = 4 << 30  # decoded image folders above this stream from disk instead


@register_evaluator("train")
class TrainingEvaluator(Evaluator):
    """Trains each architecture's network with :class:`Trainer` and reports what it measured.

    ``channels`` and ``cells`` are the NB201 skeleton's C and N (passed to ``space.to_module`` as
    ``channels`` and ``cells_per_stage`` when it takes them); small values make CPU runs quick.
    ``train_images`` trains on a class-balanced sample of that many training images (quick runs).
    The remaining options are :class:`TrainConfig`'s and :class:`Trainer`'s.
    """

    def __init__(self, space: SearchSpace, dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
                 epochs: int = 12, batch_size: int = 256, lr: float = 0.1, momentum: float = 0.9,
                 weight_decay: float = 5e-4, label_smoothing: float = 0.1, warmup_epochs: float = 0.0,
                 schedule: str = "cosine", channels: int = 16, cells: int = 5, val_fraction: float = 0.1,
                 train_images: int | None = None, device: str = "auto", seed: int = 0,
                 run_dir: str | os.PathLike | None = None, compile: bool = False, compile_mode: str | None = None,
                 amp: bool = True, cifar_source: str = "auto", download: bool = False,
                 image_dir: str | os.PathLike | None = None, resolution: int = 64, crop_fraction: float = 1.0,
                 loader_workers: int = 8) -> None:
        super().__init__(space)
        if dataset not in DATASETS:
            raise ConfigError(f"the train evaluator has no dataset '{dataset}'; choose one of {', '.join(DATASETS)}")
        if not 0 <= val_fraction < 1:
            raise ConfigError(f"val_fraction must be in [0, 1), got {val_fraction}")
        if train_images is not None and (not isinstance(train_images, int) or train_images < 2):
            raise ConfigError(f"train_images must be an integer of at least 2, got {train_images!r}")
        self.dataset = dataset
        self.data_dir = str(data_dir) if data_dir else None
        self.train_config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, momentum=momentum,
                                        weight_decay=weight_decay, label_smoothing=label_smoothing,
                                        warmup_epochs=warmup_epochs, schedule=schedule, seed=seed)
        self.channels, self.cells = channels, cells
        self.val_fraction, self.train_images = val_fraction, train_images
        self.device, self.seed = device, seed
        self.run_dir = str(run_dir) if run_dir else None
        self.compile, self.compile_mode, self.amp = compile, compile_mode, amp
        self.cifar_source, self.download = cifar_source, download
        self.image_dir = str(image_dir) if image_dir else None
        self.resolution, self.crop_fraction, self.loader_workers = resolution, crop_fraction, loader_workers
        self._splits: dict[str, Any] | None = None  # loaded lazily, once per process; never pickled

    # --- Evaluator -------------------------------------------------------------------------
    def check(self, fidelity: int | None = None) -> None:
        self._epochs(fidelity)
        resolve_device(self.device)
        if self.dataset == "cifar10":
            locate_cifar10(self.data_dir, self.cifar_source, self.download)
        else:
            list_classes(self._image_root())

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        report = self.train(arch, fidelity)
        metrics = {
            "val_accuracy": report.val_accuracy, "test_accuracy": report.test_accuracy,
            "train_loss": report.train_loss, "params": float(report.params), "params_m": report.params / 1e6,
            "images_per_second": report.images_per_second, "train_seconds": report.train_seconds,
            "epochs": float(report.epochs), "start_epoch": float(report.start_epoch),
        }
        return Result(metrics=metrics, cost=report.seconds)

    def config(self) -> dict[str, Any]:
        cfg = self.train_config
        return {"dataset": self.dataset, "data_dir": self.data_dir, "epochs": cfg.epochs,
                "batch_size": cfg.batch_size, "lr": cfg.lr, "momentum": cfg.momentum,
                "weight_decay": cfg.weight_decay, "label_smoothing": cfg.label_smoothing,
                "warmup_epochs": cfg.warmup_epochs, "schedule": cfg.schedule, "channels": self.channels,
                "cells": self.cells, "val_fraction": self.val_fraction, "train_images": self.train_images,
                "device": self.device, "seed": self.seed, "run_dir": self.run_dir, "compile": self.compile,
                "compile_mode": self.compile_mode, "amp": self.amp, "cifar_source": self.cifar_source,
                "download": self.download, "image_dir": self.image_dir, "resolution": self.resolution,
                "crop_fraction": self.crop_fraction, "loader_workers": self.loader_workers}

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__, _splits=None)

    # --- training --------------------------------------------------------------------------
    def train(self, arch: Arch, fidelity: int | None = None, on_epoch_end=None) -> TrainReport:
        """Train ``arch`` for ``fidelity`` epochs (None: the configured ``epochs``) and measure it."""
        epochs = self._epochs(fidelity)
        arch = self.space.validate(arch)
        splits = self._load()
        config = TrainConfig(**{**self.train_config.__dict__, "epochs": epochs})
        trainer = Trainer(config, device=self.device, compile=self.compile, compile_mode=self.compile_mode,
                          amp=self.amp)
        model = self._network(arch, splits["num_classes"])
        return trainer.fit(model, splits["train"], splits["val"], splits["test"],
                           checkpoint_dir=self.checkpoint_dir(arch, epochs), on_epoch_end=on_epoch_end)

    def checkpoint_dir(self, arch: Arch, epochs: int) -> Path | None:
        """Where this trial's checkpoints go, or None without a run directory."""
        if not self.run_dir:
            return None
        digest = hashlib.blake2b(self.space.hash(arch).encode(), digest_size=8).hexdigest()
        return Path(self.run_dir) / "checkpoints" / f"{digest}-e{epochs}-s{self.seed}"

    def data_source(self) -> str:
        """Which dataset copy training uses, in words."""
        if self.dataset == "cifar10":
            return locate_cifar10(self.data_dir, self.cifar_source, self.download).describe()
        return f"image folder {self._image_root()} at {self.resolution}x{self.resolution}"

    def _epochs(self, fidelity: int | None) -> int:
        if fidelity is None:
            return self.train_config.epochs
        if isinstance(fidelity, bool) or not isinstance(fidelity, (int, np.integer)) or fidelity < 1:
            raise ConfigError(f"the train evaluator's fidelity is a number of epochs (a positive integer), "
                              f"got {fidelity!r}")
        return int(fidelity)

    def _network(self, arch: Arch, num_classes: int):
        import torch

        params = inspect.signature(self.space.to_module).parameters
        open_ended = any(p.kind is p.VAR_KEYWORD for p in params.values())
        options = {k: v for k, v in (("channels", self.channels), ("cells_per_stage", self.cells))
                   if open_ended or k in params}
        torch.manual_seed(self.seed)  # the same initial weights for the same arch and seed
        return self.space.to_module(arch, num_classes=num_classes, **options)

    # --- data ------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        """Train/val/test splits ready for the trainer (on the device when they fit), once per process."""
        if self._splits is None:
            started = time.perf_counter()
            if self.dataset == "cifar10":
                train = load_cifar10(self.data_dir, "train", self.cifar_source, self.download)
                test = load_cifar10(self.data_dir, "test", self.cifar_source, self.download)
                splits = self._from_arrays(train, test, CIFAR_CLASSES)
            else:
                splits = self._from_folder()
            log.info("loaded %s in %.1f s", self.data_source(), time.perf_counter() - started)
            self._splits = splits
        return self._splits

    def _carve(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the training and validation examples (optionally a class-balanced sample)."""
        if self.train_images is not None and self.train_images < len(labels):
            _, labels_index = stratified_split(labels, self.train_images / len(labels), self.seed)
        else:
            labels_index = np.arange(len(labels))
        keep, held = stratified_split(labels[labels_index], self.val_fraction, self.seed)
        return labels_index[keep], labels_index[held]

    def _from_arrays(self, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                     num_classes: int) -> dict[str, Any]:
        device = resolve_device(self.device)
        images, labels = train
        keep, held = self._carve(labels)
        return {"train": DeviceArrays(images[keep], labels[keep], device),
                "val": DeviceArrays(images[held], labels[held], device) if len(held) else None,
                "test": DeviceArrays(*test, device), "num_classes": num_classes}

    def _from_folder(self) -> dict[str, Any]:
        root = self._image_root()
        options = {"resolution": self.resolution, "crop_fraction": self.crop_fraction, "workers": self.loader_workers}
        train, test = ImageFolder(root, "train", **options), ImageFolder(root, "val", **options)
        keep, held = self._carve(train.labels)
        train_part, val_part = train.subset(keep), train.subset(held)
        if train.nbytes() + test.nbytes() <= IN_MEMORY_LIMIT:
            return self._small_folder(train_part, val_part, test, train.num_classes)
        return {"train": train_part, "val": val_part if len(val_part) else None, "test": test,
                "num_classes": train.num_classes}

    def _small_folder(self, train: ImageFolder, val: ImageFolder, test: ImageFolder, num_classes: int) -> dict[str, Any]:
        device = resolve_device(self.device)
        return {"train": DeviceArrays(*train.load_arrays(), device),
                "val": DeviceArrays(*val.load_arrays(), device) if len(val) else None,
                "test": DeviceArrays(*test.load_arrays(), device), "num_classes": num_classes}

    def _image_root(self) -> Path:
        if self.image_dir:
            return Path(self.image_dir).expanduser()
        if self.data_dir and not Path(self.data_dir).expanduser().is_dir():
            raise DataError(f"data directory '{self.data_dir}' does not exist; pass an existing folder to --data-dir")
        dirs = search_dirs(self.data_dir)
        for folder in dirs:
            if (folder / IMAGE_FOLDER_NAME).is_dir():
                return folder / IMAGE_FOLDER_NAME
        raise DataError(f"no '{IMAGE_FOLDER_NAME}' image folder in {', '.join(str(d) for d in dirs)}; "
                        "pass image_dir (--image-dir) pointing at a folder with train/<class>/ and val/<class>/")


def train_architecture(space: SearchSpace | str, arch: Arch | str, dataset: str = "cifar10", epochs: int = 1,
                       data_dir: str | os.PathLike | None = None, device: str = "auto",
                       **options: Any) -> dict[str, Any]:
    """Train one architecture and return what was measured (what ``nasloop train`` prints).

    ``space`` is a search space or its registered name; ``arch`` an architecture or its string.
    ``options`` are :class:`TrainingEvaluator`'s (batch_size, lr, channels, cells, run_dir, ...).
    """
    if isinstance(space, str):
        space = SEARCH_SPACES.get(space)()
    if isinstance(arch, str):
        arch = space.parse(arch)
    evaluator = TrainingEvaluator(space, dataset=dataset, data_dir=data_dir, epochs=epochs, device=device, **options)
    evaluator.check(epochs)
    report = evaluator.train(arch)
    return {"arch": space.format(arch), "dataset": dataset, "data_source": evaluator.data_source(),
            **report.to_dict()}
