"""Small image folders written from the shipped CIFAR-10 subset's real images, for the image-folder tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def cifar_images(data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """The subset's training images (uint8 NHWC) and labels."""
    with np.load(data_dir / "cifar10_subset.npz") as subset:
        return subset["x_train"], subset["y_train"]


def write_folder(root: Path, data_dir: Path, per_class: int, classes: int = 10) -> Path:
    """train/ and val/ with ``per_class`` real CIFAR-10 images of each class as PNG, ``classes`` classes."""
    images, labels = cifar_images(data_dir)
    for split, offset in (("train", 0), ("val", per_class)):
        for c in range(classes):
            folder = root / split / f"class{c}"
            folder.mkdir(parents=True)
            for k, i in enumerate(np.flatnonzero(labels == c)[offset:offset + per_class]):
                Image.fromarray(images[i]).save(folder / f"{k}.png")
    return root
