"""Evaluation by real training: the fidelity is the number of epochs.

Datasets:
- ``cifar10``: the official python batches when present, else nasloop's class-balanced subset
  (``cifar_source`` forces one; see :mod:`nasloop.engine.data.cifar`).
- ``imagenet``: any image folder with ``train/<class>/`` and ``val/<class>/``. ``image_dir``
  names the folder; without it, a subfolder called ``imagenet`` of the data folders (the run's
  data folder, ``$NASLOOP_DATA``, the user cache) is used, so the data folder means the same thing
  for every dataset: the folder that holds datasets. The folder's ``val`` split is the test set (ImageNet's labelled
  validation set is the de-facto test set); the validation split is carved from ``train``.

The network's size is the search space's own option (NB201: ``--space-opt channels=8``).
The validation split steers the search; the test accuracy is measured separately and only
reported. In a run folder every trial checkpoints each epoch under
``<run_dir>/checkpoints/<arch hash>-e<epochs>-s<seed>/``, so a trial that is interrupted and run
again continues from its last finished epoch.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Literal, Mapping, Sequence

import numpy as np

from ...search_spaces.base import NetworkSpace, SearchSpace
from ..metric_units import ACCURACY
from ..context import RunContext
from ..devices import caller_generator_kept, seed_torch
from ..data.cifar import NUM_CLASSES as CIFAR_CLASSES, SOURCES as CIFAR_SOURCES
from ..data.cifar import DOWNLOAD_HINT, CifarSource, load_cifar10, locate_cifar10
from ..data.imagenet import ImageFolder, folder_identity, list_classes, locate_image_folder
from ..errors import ConfigError, MissingDataError
from ..options import (EPOCHS_WHY, MAX_EPOCHS, Epochs, Fraction, LearningRate, NonNegativeFloat,
                       PositiveInt, Range, Seed, effective_options)
from ..registry import register_evaluator
from ..stop_reasons import continue_hint
from ..types import Arch, Result
from .base import Evaluator
from .checkpoint_write import CHECKPOINTS, UnwritableCheckpoint, check_checkpoint_folder
from .network_size import TRAINING_BYTES, refuse_oversized_networks
from ..space_networks import build_network
from .replicates import Replicates, combine, pool_rate, replicate_bookkeeping, replicate_metric_names
from .trainer import SCHEDULES, DeviceArrays, TrainConfig, Trainer, TrainReport, resolve_device, stratified_split

if TYPE_CHECKING:  # torch is imported where a network is built
    from torch import nn

log = logging.getLogger(__name__)

TRAINABLE = ("cifar10", "imagenet")
IN_MEMORY_LIMIT = 4 << 30  # decoded image folders above this stream from disk instead


WeightDecay = Annotated[float, Range(0, 1e30)]
"""torch's SGD applies it as a float32 factor, as it does lr: 1e300 failed inside it, an unexpected RuntimeError."""
Resolution = Annotated[int, Range(8, 1024)]
"""The side images are decoded at, bounded as an option so that a side the run cannot use is refused before it
begins: at least 8 (the image folder's least), at most 1024, past the largest published ImageNet training sides
(600-800: EfficientNet-B7, -L2), since 100,000 decodes each image to 30 GB and the kernel kills the process with no
message."""
CropFraction = Annotated[float, Range(0.1, 1)]
"""The centre share of an image kept (0.875 is the usual one): images are resized to resolution / crop_fraction
first, so 1e-9 overflowed inside PIL (an unexpected OverflowError) and 0.001 would need gigabytes an image."""
COMPILE_MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")
"""torch.compile's modes (another one failed inside torch, after the run had started, with a traceback)."""


def compile_note(networks: str) -> str:
    """What compile=true costs, said once before ``networks`` ("the network", "each network") are trained: a tiny
    run sat silent for minutes, as if it hung, compiling for training and again for evaluation."""
    return (f"compile=true first compiles {networks} for training and again for evaluation, printing nothing "
            "meanwhile: a minute or more (2 min on a busy 2-core CPU; seconds once torch's cache holds it), repaid "
            "only by long trainings; leave compile out of short ones")


DATASET_OPTIONS = {"cifar10": ("cifar_source", "download"),
                   "imagenet": ("image_dir", "resolution", "crop_fraction", "loader_workers")}
"""Options that only one dataset's loader reads."""

TRAIN_METRICS = ("val_accuracy", "test_accuracy", "train_loss", "params", "params_m", "images_per_second",
                 "train_seconds", "epochs", "start_epoch", "torch_threads", "torch_threads_min", "torch_threads_max")


@register_evaluator("train")
class TrainingEvaluator(Evaluator):
    """Trains each architecture's network with :class:`Trainer` and reports what it measured.

    ``train_images`` trains on a class-balanced sample of that many training images (quick runs);
    ``replicates`` trains that many networks per architecture (draws of a generator point, see
    :mod:`.replicates`); ``test=false`` leaves the test split unmeasured (no ``test_accuracy``), where each trial
    paid a pass over it that the search never reads (a short search's networks at chance paid it for nothing).
    ``seed`` seeds the initial weights, the data order and the splits, and is not the search's ``--seed``: an
    architecture trains alike in every search, whatever its seed or strategy, so their results compare as a
    table's do (on the same device and torch thread count: each result records its ``torch_threads``, and the
    fewest and most threads any of its epochs and its accuracies ran on, ``torch_threads_min`` and ``_max``, which
    differ where a trial resumed from a checkpoint on another count: condition metrics); give ``seed=N`` to train
    other weights.
    The remaining options are :class:`TrainConfig`'s and :class:`Trainer`'s.
    """

    requires = (NetworkSpace,)
    declared_bookkeeping = ("epochs", "start_epoch")
    reads_dataset = True
    condition_metrics = ("torch_threads", "torch_threads_min", "torch_threads_max")
    fidelity_option = "epochs"
    metric_units = {**ACCURACY, "params_m": "millions", "train_seconds": "s", "images_per_second": "images/s"}

    def __init__(self, space: SearchSpace, context: RunContext | None = None, epochs: Epochs = 12,
                 batch_size: PositiveInt = 256, lr: LearningRate = 0.1, momentum: Fraction = 0.9,
                 weight_decay: WeightDecay = 5e-4, label_smoothing: Fraction = 0.1,
                 warmup_epochs: NonNegativeFloat = 0.0, schedule: Literal[SCHEDULES] = "cosine",
                 val_fraction: Annotated[float, Range(0, 1, low_open=True, high_open=True)] = 0.1,
                 train_images: Annotated[int, Range(2)] | None = None,
                 device: str = "auto", seed: Seed = 0, compile: bool = False,
                 compile_mode: Literal[COMPILE_MODES] | None = None,
                 amp: bool = True, cifar_source: Literal[CIFAR_SOURCES] = "auto",
                 download: bool = False, image_dir: str | os.PathLike | None = None, resolution: Resolution = 64,
                 crop_fraction: CropFraction = 1.0, loader_workers: PositiveInt = 8,
                 replicates: Replicates = 1, test: bool = True) -> None:
        super().__init__(space, context)
        self.replicates, self.test = replicates, test
        self.dataset = self.context.image_dataset("its networks cannot be trained on it",
                                                  "search the table with --evaluator tabular", any_images=True).name
        if self.dataset not in TRAINABLE:
            raise ConfigError(f"the train evaluator has no dataset '{self.context.dataset}'; "
                              f"choose one of {', '.join(TRAINABLE)}")
        self.data_dir, self.run_dir = self.context.data_dir, self.context.run_dir
        self.epochs, self.batch_size, self.lr, self.momentum = epochs, batch_size, lr, momentum
        self.weight_decay, self.label_smoothing = weight_decay, label_smoothing
        self.warmup_epochs, self.schedule = warmup_epochs, schedule
        self.train_config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, momentum=momentum,
                                        weight_decay=weight_decay, label_smoothing=label_smoothing,
                                        warmup_epochs=warmup_epochs, schedule=schedule, seed=seed)
        self.val_fraction, self.train_images = val_fraction, train_images
        self.device, self.seed = device, seed
        self.compile, self.compile_mode, self.amp = compile, compile_mode, amp
        self.cifar_source, self.download = cifar_source, download
        self.image_dir = str(image_dir) if image_dir else None  # as given, as the run records it; read from where
        self._image_folder = self.context.user_path(image_dir) if image_dir else None  # the run began (a resume)
        self.resolution, self.crop_fraction, self.loader_workers = resolution, crop_fraction, loader_workers
        self._splits: dict[str, Any] | None = None  # loaded lazily, once per process; never pickled
        self._identity: str | None = None  # data_identity's, once per process as the splits are; never pickled

    def _refuse_other_datasets_options(self) -> None:
        """Refuse an option of the other dataset's loader, given at any value, which training would ignore unseen:
        resolution=16 or 64 (its default) on CIFAR-10 trains at 32x32 all the same, cifar_source=full on an image
        folder reads the folder."""
        for dataset, names in DATASET_OPTIONS.items():
            given = [n for n in names if dataset != self.dataset and n in self.options_given]
            if given:
                raise ConfigError(f"{given[0]}={getattr(self, given[0])} is an option of --dataset {dataset}'s "
                                  f"loader and training reads {self.dataset}; drop it or use --dataset {dataset}")

    # --- Evaluator -------------------------------------------------------------------------
    def check_new(self, fidelity: int | None = None) -> None:
        epochs = self._epochs(fidelity)
        if self.warmup_epochs > epochs:  # the learning rate would end at epochs/warmup_epochs of lr, unseen
            raise ConfigError(f"warmup_epochs={self.warmup_epochs:g} is longer than the {epochs} epoch(s) trained, so "
                              f"the learning rate would never reach lr={self.lr:g}; give warmup_epochs={epochs} or "
                              "fewer")
        if self.compile_mode is not None and not self.compile:  # read only with compile=true: else ignored unseen
            raise ConfigError(f"compile_mode={self.compile_mode} takes effect only with compile=true; add "
                              "compile=true or drop compile_mode")
        self._refuse_other_datasets_options()

    def check(self, fidelity: int | None = None) -> None:
        self._epochs(fidelity)  # a fidelity of no epochs fails now
        check_checkpoint_folder(self.run_dir)  # not after the first trial's first epoch
        if self.dataset == "cifar10":
            # A damaged file fails now, before a run folder exists (then cached for the run).
            labels = self._cifar10("train")[1]
            self._cifar10("test")
            classes = CIFAR_CLASSES
        else:
            classes = len(list_classes(self._image_root()))
            labels = ImageFolder(self._image_root(), "train").labels  # the scans are cached for the run
            ImageFolder(self._image_root(), "val")  # a val folder without images failed only once the run began
        held = len(labels)
        if self.train_images is not None and self.train_images > held:  # silently all of them, otherwise
            raise ConfigError(f"train_images={self.train_images} exceeds the {held:,} training images of "
                              f"{self.data_source()}; give {held} or fewer, or leave it out to use them all")
        self._check_split_sizes(classes)
        resolve_device(self.device)  # after the data's checks: CIFAR-10 missing was said after torch's import
        refuse_oversized_networks(self.space, classes, TRAINING_BYTES, "training")
        kept, held_out = self._carve(labels)
        if not len(kept) or not len(held_out):  # a validation split rounded to nothing: every val_accuracy was NaN
            emptied = "validation" if len(kept) else "training"
            raise ConfigError(f"val_fraction={self.val_fraction:g} of the {len(kept) + len(held_out):,} training "
                              f"images of {self.data_source()} leaves the {emptied} split empty (it is carved per "
                              f"class, and each class has too few images); {'raise' if len(kept) else 'lower'} "
                              "val_fraction or add images")

    def _check_split_sizes(self, classes: int) -> None:
        """A training or validation split without an image of every class measures nothing: refuse it now."""
        if self.train_images is None:
            return
        smaller = min(self.val_fraction, 1 - self.val_fraction)
        if self.train_images * smaller < classes:
            needed = math.ceil(classes / smaller)
            raise ConfigError(f"train_images={self.train_images} with val_fraction={self.val_fraction:g} leaves "
                              f"fewer than {classes} images (one per class) in the training or validation split; "
                              f"use train_images={needed} or more")

    def start_note(self) -> str | None:
        return compile_note("each network") if self.compile else None

    def warm_up(self) -> None:
        self._load()

    def metric_names(self, fidelity: int | None = None) -> Sequence[str] | None:
        return replicate_metric_names(tuple(m for m in TRAIN_METRICS if self.test or m != "test_accuracy"),
                                      self.replicates)

    def metric_source(self, metric: str) -> str:
        """Why test_accuracy is missing with test=false: its refusal listed the other metrics, not why it lacked it."""
        if self.test or metric.partition("@")[0].removesuffix("_std") != "test_accuracy":
            return ""
        return "; test_accuracy is not measured with --evaluator-opt test=false: leave that option out to measure it"

    @classmethod
    def measured_on(cls, options: Mapping[str, Any]) -> str:
        """Which split each accuracy was measured on, from the run's options (those given; the rest defaults)."""
        options = effective_options(cls, dict(options))
        images = f"{options['train_images']:,} training images" if options["train_images"] else "training images"
        test = ("test_accuracy on the dataset's test split" if options["test"] else
                "no test_accuracy: the test split was not measured (test=false)")
        return (f"val_accuracy on a validation split carved from the {images} (val_fraction "
                f"{options['val_fraction']:g}, trained on the rest); {test}")

    def bookkeeping_metrics(self) -> Sequence[str]:
        """Its condition metrics, and the epochs a training ran to (the run's fidelity) and resumed from (a
        checkpoint's), which are the schedule's, not the architecture's."""
        return replicate_bookkeeping((*self.declared_bookkeeping, *self.condition_metrics), self.replicates)

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        result = combine([self._evaluate(arch, fidelity, draw) for draw in range(self.replicates)])
        if self.replicates > 1 and result.ok:
            pooled = pool_rate(result.metrics, "images_per_second", "train_seconds")
            result = dataclasses.replace(result, metrics=pooled)
        return result

    def _evaluate(self, arch: Arch, fidelity: int | None, draw: int) -> Result:
        report = self.train(arch, fidelity, draw=draw)
        counts = [*report.epoch_threads, report.threads]  # a trial resumed from a checkpoint: its earlier fits' too
        metrics = {  # test_accuracy left out where the test split is not measured (test=false): not a NaN
            "val_accuracy": report.val_accuracy, **({"test_accuracy": report.test_accuracy} if self.test else {}),
            "train_loss": report.train_loss, "params": float(report.params), "params_m": report.params / 1e6,
            "images_per_second": report.images_per_second, "train_seconds": report.train_seconds,
            "epochs": float(report.epochs), "start_epoch": float(report.start_epoch),
            "torch_threads": float(report.threads), "torch_threads_min": float(min(counts)),
            "torch_threads_max": float(max(counts)),
        }
        diverged = self.divergence(report)
        if diverged:  # a network whose weights went to NaN predicts one class: its accuracy measures nothing
            return Result.failed(diverged, cost=report.seconds,
                                 partial={k: v for k, v in metrics.items() if math.isfinite(v)})
        return Result(metrics=metrics, cost=report.seconds)

    def divergence(self, report: TrainReport) -> str | None:
        """Why a training's result is void (its loss left the finite numbers), or None."""
        bad = next((epoch for epoch, loss in enumerate(report.epoch_losses, 1) if not math.isfinite(loss)), None)
        if bad is None and math.isfinite(report.train_loss):
            return None
        return (f"training diverged: the loss was {report.train_loss} by epoch {bad or report.epochs}; lower the "
                f"learning rate (lr={self.lr:g})")

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__, _splits=None, _identity=None)  # a worker's own, of the folder it reads

    # --- training --------------------------------------------------------------------------
    def train(self, arch: Arch, fidelity: int | None = None, on_epoch_end: Callable[[int, float], None] | None = None,
              draw: int = 0) -> TrainReport:
        """Train ``arch`` (its network ``draw``) for ``fidelity`` epochs (None: the configured ``epochs``)."""
        epochs = self._epochs(fidelity)
        arch = self.space.validate(arch)
        splits = self._load()
        config = TrainConfig(**{**self.train_config.__dict__, "epochs": epochs})
        data = {"source": self.data_identity(), "train_images": self.train_images, "val_fraction": self.val_fraction,
                "crop_fraction": self.crop_fraction}
        trainer = Trainer(config, device=self.device, compile=self.compile, compile_mode=self.compile_mode,
                          amp=self.amp, data=data)
        with caller_generator_kept(trainer.device):  # weights and dropout draw from it, seeded in _network
            model = self._network(arch, splits["num_classes"], draw)
            try:
                return trainer.fit(model, splits["train"], splits["val"], splits["test"] if self.test else None,
                                   checkpoint_dir=self.checkpoint_dir(arch, epochs, draw), on_epoch_end=on_epoch_end,
                                   num_classes=splits["num_classes"])
            except UnwritableCheckpoint as exc:  # the search stops; its resume trains this trial again
                raise UnwritableCheckpoint(f"{exc}; then {continue_hint(self.run_dir)}") from None

    def checkpoint_dir(self, arch: Arch, epochs: int, draw: int = 0) -> Path | None:
        """Where this trial's checkpoints go (one folder per replicate), or None without a run directory."""
        if not self.run_dir:
            return None
        digest = hashlib.blake2b(self.space.hash(arch).encode(), digest_size=8).hexdigest()
        return Path(self.run_dir) / CHECKPOINTS / f"{digest}-e{epochs}-s{self.seed}{f'-r{draw}' if draw else ''}"

    def data_source(self) -> str:
        """Which dataset copy training uses, in words."""
        if self.dataset == "cifar10":
            return self._cifar10_copy().describe()
        return f"image folder {self._image_root()} at {self.resolution}x{self.resolution}"

    def data_identity(self) -> str:
        """Computed once per evaluator and process: every trial's checkpoint records it, and an image folder's is a
        listing of its classes and a stat of each (ImageNet's 1,000, twice, per trial). A resume builds a new
        evaluator, so a folder changed since the run stopped is still found other data."""
        if self._identity is None:
            self._identity = (self._cifar10_copy().name if self.dataset == "cifar10"
                              else folder_identity(self._image_root(), self.resolution))
        return self._identity

    def _epochs(self, fidelity: int | None) -> int:
        if fidelity is None:
            return self.train_config.epochs
        if isinstance(fidelity, bool) or not isinstance(fidelity, (int, np.integer)) or not 1 <= fidelity <= MAX_EPOCHS:
            raise ConfigError(f"the train evaluator's fidelity is a number of epochs, an integer >= 1 and <= "
                              f"{MAX_EPOCHS} ({EPOCHS_WHY}), got {fidelity!r}")
        return int(fidelity)

    def _network(self, arch: Arch, num_classes: int, draw: int = 0) -> nn.Module:
        seed_torch(self.seed + draw)  # the same initial weights for the same arch, seed and draw
        return build_network(self.space, arch, num_classes, draw)

    # --- data ------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        """Train/val/test splits ready for the trainer (on the device when they fit), once per process."""
        if self._splits is None:
            started = time.perf_counter()
            if self.dataset == "cifar10":
                train, test = self._cifar10("train"), self._cifar10("test")
                splits = self._from_arrays(train, test, CIFAR_CLASSES)
            else:
                splits = self._from_folder()
            log.info("loaded %s in %.1f s", self.data_source(), time.perf_counter() - started)
            self._splits = splits
        return self._splits

    def _cifar10(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """One CIFAR-10 split as this evaluator's source and download options find it."""
        self._cifar10_copy()  # absent: refused with this evaluator's download option
        return load_cifar10(self.data_dir, split, self.cifar_source, self.download)

    def _cifar10_copy(self) -> CifarSource:
        """The CIFAR-10 copy this evaluator trains on. Where none is, the refusal adds the download option, which
        only this evaluator has: the loader's own words name none (see cifar.HOW_TO_GET)."""
        try:
            return locate_cifar10(self.data_dir, self.cifar_source, self.download)
        except MissingDataError as exc:
            if self.download or self.cifar_source == "subset":  # downloading is no fix: asked already, or no subset
                raise
            raise MissingDataError(f"{exc}; {DOWNLOAD_HINT}") from None

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
                "test": DeviceArrays(*test, device) if self.test else None, "num_classes": num_classes}

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

    def _small_folder(self, train: ImageFolder, val: ImageFolder, test: ImageFolder,
                      num_classes: int) -> dict[str, Any]:
        device = resolve_device(self.device)
        return {"train": DeviceArrays(*train.load_arrays(), device),
                "val": DeviceArrays(*val.load_arrays(), device) if len(val) else None,
                "test": DeviceArrays(*test.load_arrays(), device) if self.test else None, "num_classes": num_classes}

    def _image_root(self) -> Path:
        return locate_image_folder(self._image_folder, self.data_dir)
