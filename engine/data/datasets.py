"""The image datasets nasloop knows: one table of facts every part reads.

Zero-cost proxies need a dataset's class count and image side to build a network and a batch of
the right shape; training needs to know whether nasloop can load the images; benchmarks name
their datasets with the same canonical names. Benchmark tasks that are not image datasets
(TransNAS-Bench-101's ``room_layout``) belong to their benchmark, not here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class DatasetFacts:
    """What the code needs to know about one dataset."""

    name: str
    classes: int | None
    """Number of classes, or None when it comes from the data (an image folder)."""
    image_size: int
    """Side of the square images networks see (an image folder's default training resolution)."""
    loadable: bool
    """Whether nasloop can load its images (for training and data-dependent proxies)."""
    aliases: tuple[str, ...] = ()


DATASETS: tuple[DatasetFacts, ...] = (
    DatasetFacts("cifar10", 10, 32, loadable=True),
    DatasetFacts("cifar100", 100, 32, loadable=False),
    DatasetFacts("ImageNet16-120", 120, 16, loadable=False, aliases=("imagenet16", "imagenet16-120")),
    DatasetFacts("imagenet", None, 64, loadable=True, aliases=("image-folder",)),
)


def dataset_facts(name: str) -> DatasetFacts:
    """The facts of ``name`` (canonical or alias, any case); one line listing the datasets otherwise."""
    wanted = str(name).lower()
    for facts in DATASETS:
        if wanted == facts.name.lower() or wanted in facts.aliases:
            return facts
    raise ConfigError(f"unknown dataset '{name}'; choose from: {', '.join(f.name for f in DATASETS)}")


def reads_images(name: str) -> bool | None:
    """Whether nasloop loads images of dataset ``name`` (CIFAR-10, ImageNet); False for an image dataset it knows
    but cannot load (CIFAR-100), None for a name it knows of no images for (a benchmark's task, TNB101's)."""
    wanted = str(name).lower()
    return next((facts.loadable for facts in DATASETS if wanted == facts.name.lower() or wanted in facts.aliases),
                None)
