"""The one mini-batch zero-cost proxies score every network of a run on, and the shape networks are built for.

Real CIFAR-10 images for ``cifar10``; for ``imagenet``, images of an image folder (:class:`FolderImages`: the train
evaluator's ``image_dir``, ``resolution`` and ``crop_fraction``), whose class count the networks are built with;
a zero batch of the dataset's shape for data-free proxies on a dataset nasloop cannot load.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Sequence

import numpy as np

from .data.cifar import load_cifar10
from .data.datasets import dataset_facts
from .data.imagenet import ImageFolder, folder_identity, list_classes, locate_image_folder
from .errors import ConfigError, DataError
from .proxy_registry import Proxy, get_proxy, proxy_names
from .held_imports import imported

if TYPE_CHECKING:  # imported where a network or tensor is first made: listing or refusing loads no torch
    import torch


# The normalisation NAS-Bench-201 trained its CIFAR networks with.
CIFAR_MEAN = (125.3 / 255, 123.0 / 255, 113.9 / 255)
CIFAR_STD = (63.0 / 255, 62.1 / 255, 66.7 / 255)
BATCH_SIZE_FLAGS = "nasloop proxies --batch-size; the proxy evaluator's --evaluator-opt batch_size"
MAX_BATCH_SIZE = 50_000
"""The largest proxy mini-batch: CIFAR-10's training images, the most a real batch of it can draw. Data-free proxies
(synflow) get a zero batch of the size asked, and ``--batch-size 100000000`` ended in "unexpected RuntimeError ...
can't allocate memory" (1.2 TB of zeros) where a larger real batch is refused in one line."""


@dataclass(frozen=True)
class FolderImages:
    """An image folder's training images as proxies read them: ``root`` (its ``train/<class>/``), decoded at
    ``resolution`` with ``crop_fraction`` of the shorter side, as the train evaluator reads them."""

    root: str
    resolution: int = 64
    crop_fraction: float = 1.0

    def __post_init__(self) -> None:
        """The train evaluator's bounds on the same options: past them a decode needs gigabytes an image."""
        if isinstance(self.resolution, bool) or not isinstance(self.resolution, int) or \
                not 8 <= self.resolution <= 1024:
            raise ConfigError(f"resolution must be an integer from 8 to 1024, got {self.resolution!r}")
        if not 0.1 <= self.crop_fraction <= 1:
            raise ConfigError(f"crop_fraction must be from 0.1 to 1, got {self.crop_fraction!r}")

    @classmethod
    def located(cls, image_dir: str | os.PathLike | None, data_dir: str | os.PathLike | None,
                resolution: int = 64, crop_fraction: float = 1.0,
                give: Callable[[str], str] = lambda value: f"image_dir={value}") -> "FolderImages":
        """The folder ``image_dir`` names, or the data folders' ``imagenet`` (see :func:`locate_image_folder`, which
        says ``give``'s words for the option where none is found)."""
        return cls(str(locate_image_folder(image_dir, data_dir, give)), resolution, crop_fraction)

    def classes(self) -> int:
        """The number of class folders of ``train``: the networks' output count."""
        return len(list_classes(Path(self.root)))

    def identity(self) -> str:
        """The folder in words a run records (:meth:`Evaluator.data_identity`)."""
        return folder_identity(Path(self.root), self.resolution)


IMAGE_DEFAULTS = {"resolution": 64, "crop_fraction": 1.0}
"""An image folder's decoding options when not given: the side images are decoded at, the centre share kept."""


def option_text(name: str, value: object) -> str:
    """An option as a plugin takes it (``image_dir=DIR``): how a refusal names one the user gave."""
    return f"{name}={value}"


def folder_images(dataset: str, image_dir: str | os.PathLike | None, data_dir: str | os.PathLike | None,
                  resolution: int = 64, crop_fraction: float = 1.0,
                  give: Callable[[str], str] = lambda value: f"image_dir={value}",
                  said: Callable[[str, object], str] = option_text, named: Collection[str] = ()) -> FolderImages | None:
    """The image folder proxies read for ``dataset`` (``imagenet``: ``image_dir`` or the data folders' own), else
    None, after :func:`refuse_folder_options`; ``give`` and ``said`` word the options as the caller takes them."""
    refuse_folder_options(dataset, image_dir, resolution, crop_fraction, said, named)
    if dataset_facts(dataset).classes is None:
        return FolderImages.located(image_dir, data_dir, resolution, crop_fraction, give)
    return None


def refuse_folder_options(dataset: str, image_dir: str | os.PathLike | None, resolution: int,
                          crop_fraction: float, said: Callable[[str, object], str] = option_text,
                          named: Collection[str] = ()) -> None:
    """An image folder's options given with another dataset, which would ignore them unseen, in one line naming the
    first as ``said`` words it: the caller's own flag ('nasloop proxies' was told to drop 'image_dir=DIR', which it
    takes as --image-dir). ``named``: the options the caller was given, refused at any value (``resolution=64``,
    the default, was let through where only a value other than the default was refused)."""
    if dataset_facts(dataset).classes is None:
        return
    given = [said(name, value) for name, value, default in (("image_dir", image_dir, None),
                                                            ("resolution", resolution, IMAGE_DEFAULTS["resolution"]),
                                                            ("crop_fraction", crop_fraction,
                                                             IMAGE_DEFAULTS["crop_fraction"]))
             if value != default or name in named]
    if given:
        raise ConfigError(f"{given[0]} is an option of an image folder (--dataset imagenet), and the proxies read "
                          f"{dataset_facts(dataset).name}; drop it or use --dataset imagenet")


def dataset_shape(dataset: str, instead: str = "score a space of CIFAR-10 networks on cifar10",
                  images: FolderImages | None = None) -> tuple[int, int]:
    """(number of classes, image side) of a dataset proxies can score for; ConfigError otherwise, ending with
    ``instead``: what the caller's command offers in place, in its own flags ('nasloop proxies' was told
    --predictor-opt, a search's flag). Saying only 'use cifar10' sent NDS' ImageNet spaces in a circle. An image
    folder's (``imagenet``) come from ``images``, which only the proxy evaluator and 'nasloop proxies' are given."""
    facts = dataset_facts(dataset)
    if facts.classes is not None:
        return facts.classes, facts.image_size
    if images is None:
        raise ConfigError(f"zero-cost proxies need a fixed class count, and '{facts.name}' takes it from an image "
                          "folder, which only the proxy evaluator and 'nasloop proxies' are given, so nasloop computes "
                          f"none for its networks here; {instead}")
    return images.classes(), images.resolution


def _normalised(images: np.ndarray, labels: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 NHWC images as the normalised float NCHW batch proxies read, with their int64 labels."""
    torch = imported("torch")
    x = torch.from_numpy(images.astype(np.float32) / 255.0).permute(0, 3, 1, 2)
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous(), torch.from_numpy(labels.astype(np.int64))


@lru_cache(maxsize=8)
def _cifar10_batch(data_dir: str | None, batch_size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random mini-batch of real CIFAR-10 training images, normalised; cached per process."""
    images, labels = load_cifar10(data_dir, split="train")
    if batch_size > len(images):
        raise ConfigError(f"batch size {batch_size} exceeds the {len(images)} CIFAR-10 training images found; "
                          f"choose a smaller batch size ({BATCH_SIZE_FLAGS})")
    rows = np.sort(np.random.default_rng(seed).choice(len(images), size=batch_size, replace=False))
    return _normalised(images[rows], labels[rows])


@lru_cache(maxsize=8)
def _folder_batch(images: FolderImages, batch_size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random mini-batch of an image folder's training images, decoded and normalised as CIFAR-10's (the
    train evaluator normalises both alike); cached per process. Only the drawn images are decoded."""
    folder = ImageFolder(images.root, "train", images.resolution, images.crop_fraction)
    if batch_size > len(folder):
        raise ConfigError(f"batch size {batch_size} exceeds the {len(folder):,} training images of image folder "
                          f"{images.root}; choose a smaller batch size ({BATCH_SIZE_FLAGS})")
    rows = np.sort(np.random.default_rng(seed).choice(len(folder), size=batch_size, replace=False))
    return _normalised(*folder.subset(rows).load_arrays())


def minibatch(proxies: Sequence[Proxy], dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
              batch_size: int = 64, seed: int = 0, images: FolderImages | None = None
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """The (inputs, targets) every proxy of one run sees.

    Real images when a proxy reads data: CIFAR-10's, or an image folder's (``images``) for ``imagenet``. When none
    does, or the dataset has no images nasloop can load, data-free proxies get a zero batch of the right shape:
    they read only its shape. Proxies that need images of such a dataset fail here in one line.
    """
    torch = imported("torch")
    _, side = dataset_shape(dataset, images=images)
    dataset = dataset_facts(dataset).name
    if batch_size < 2:
        raise ConfigError(f"batch size must be at least 2 for zero-cost proxies, got {batch_size}")
    if batch_size > MAX_BATCH_SIZE:
        raise ConfigError(f"batch size {batch_size} is over {MAX_BATCH_SIZE:,}, the most a proxy mini-batch takes "
                          f"(CIFAR-10's training images); choose a smaller batch size ({BATCH_SIZE_FLAGS})")
    needy = [p.name for p in proxies if p.needs_data]
    if needy and dataset == "cifar10":
        return _cifar10_batch(str(data_dir) if data_dir else None, int(batch_size), int(seed))
    if needy and images is not None:
        return _folder_batch(images, int(batch_size), int(seed))
    if needy:
        raise DataError(f"proxies {', '.join(needy)} need {dataset} images, which nasloop cannot load; "
                        f"use --dataset cifar10 or only data-free proxies "
                        f"({', '.join(n for n in proxy_names() if not get_proxy(n).needs_data)})")
    return torch.zeros((batch_size, 3, side, side)), torch.zeros(batch_size, dtype=torch.int64)
