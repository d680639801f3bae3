"""Image-folder datasets (ImageNet's layout, or any dataset laid out the same way).

Layout: ``root/train/<class>/*.JPEG|jpg|png|...`` and ``root/val/<class>/...``; the class index is
the position of the folder name in the sorted list of ``train``'s class folders, so it is stable
across machines and splits. Images are decoded with Pillow, the shorter side resized and the
centre cropped to a square ``resolution`` (64 by default, a quick ImageNet; 224 is the standard).

Small folders decode once into uint8 arrays (``load_arrays``), which the trainer keeps on the
device like CIFAR-10. A real ImageNet (1.28 M images) does not fit in memory: ``batches`` streams
it, decoding each batch with a small thread pool (Pillow releases the GIL while decoding) one
batch ahead of the training step.
"""
from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np

from ..errors import ConfigError, DataError
from ..user_dirs import expand_user
from .paths import search_dirs
from ..held_imports import imported

if TYPE_CHECKING:  # imported where a network or tensor is first made: listing or refusing loads no torch
    import torch


EXTENSIONS = (".jpeg", ".jpg", ".png", ".bmp", ".webp", ".ppm", ".tif", ".tiff")
SPLITS = ("train", "val")
IMAGE_FOLDER_NAME = "imagenet"
"""The image folder's name in a data folder, found there without an image_dir option."""


def _pillow() -> ModuleType:
    """Pillow, imported on first use so the rest of nasloop works without it."""
    try:
        Image = imported("PIL.Image")
    except ImportError:
        raise DataError("reading image folders needs Pillow; install it with 'pip install pillow'") from None
    return Image


def decode_image(path: str | os.PathLike, resolution: int, crop_fraction: float = 1.0) -> np.ndarray:
    """One image as uint8 ``(resolution, resolution, 3)`` RGB: shorter side resized, centre cropped.

    The shorter side becomes ``resolution / crop_fraction`` before the centre crop (0.875 gives the
    usual 256 -> 224 evaluation crop; 1.0 keeps the whole short side, as downsampled ImageNets do).
    """
    image_mod = _pillow()
    try:
        with image_mod.open(path) as image:
            image = _eight_bit(image, path).convert("RGB")
            w, h = image.size
            short = max(resolution, round(resolution / crop_fraction))
            scale = short / min(w, h)
            size = (max(short, round(w * scale)), max(short, round(h * scale)))
            image = image.resize(size, image_mod.Resampling.BILINEAR, reducing_gap=3.0)
            left, top = (size[0] - resolution) // 2, (size[1] - resolution) // 2
            image = image.crop((left, top, left + resolution, top + resolution))
            return np.asarray(image, dtype=np.uint8)
    except (OSError, ValueError, SyntaxError, image_mod.DecompressionBombError) as exc:
        raise DataError(f"cannot read image {path} ({type(exc).__name__}: {exc}); delete or replace it") from None


def _eight_bit(image: Any, path: str | os.PathLike) -> Any:
    """``image`` with 8-bit pixels. Pillow's convert('RGB') clips a 16-bit image (a 16-bit PNG or TIFF: modes I;16
    and I) at 255, so one came out nearly white, unseen; it is scaled to 8 bits here. Floating-point pixels (mode F)
    have no fixed range to scale from: refused, naming the file."""
    if image.mode == "F":
        raise DataError(f"image {path} has floating-point pixels, which have no fixed range; save it with 8-bit "
                        "(or 16-bit) pixels, or delete it")
    if image.mode != "I" and not image.mode.startswith("I;16"):
        return image
    pixels = np.asarray(image, dtype=np.float64) / 257.0  # 65535 -> 255
    return _pillow().fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8))


class ImageFolder:
    """The files and labels of one split of an image folder, decoded on demand.

    ``resolution`` is the side of the square images produced; ``crop_fraction`` is described in
    :func:`decode_image`; ``workers`` threads decode in parallel.
    """

    def __init__(self, root: str | os.PathLike, split: str = "train", resolution: int = 64,
                 crop_fraction: float = 1.0, workers: int = 8) -> None:
        if split not in SPLITS:
            raise ConfigError(f"unknown image-folder split '{split}'; choose 'train' or 'val'")
        if not isinstance(resolution, int) or resolution < 8:
            raise ConfigError(f"image resolution must be an integer of at least 8, got {resolution!r}")
        if not 0 < crop_fraction <= 1:
            raise ConfigError(f"crop_fraction must be in (0, 1], got {crop_fraction}")
        self.root = expand_user(root)
        self.split, self.resolution, self.crop_fraction = split, resolution, crop_fraction
        self.workers = max(1, int(workers))
        self.classes = list_classes(self.root)
        files, labels = _scan(str(self.root), split, tuple(self.classes), _stamps(self.root / split))
        self.files: tuple[str, ...] = files
        self.labels = np.asarray(labels, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.files)

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def subset(self, indices: Sequence[int] | np.ndarray) -> "ImageFolder":
        """The same folder restricted to ``indices`` (a validation split carved from train)."""
        view = object.__new__(ImageFolder)
        view.__dict__.update(self.__dict__)
        view.files = tuple(self.files[i] for i in np.asarray(indices, dtype=np.int64))
        view.labels = self.labels[np.asarray(indices, dtype=np.int64)]
        return view

    def nbytes(self) -> int:
        """Memory the decoded split takes as uint8 arrays."""
        return len(self) * self.resolution * self.resolution * 3

    def load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Decode every image into one uint8 NHWC array (small folders only; see ``batches``)."""
        out = np.empty((len(self), self.resolution, self.resolution, 3), dtype=np.uint8)
        with ThreadPoolExecutor(self.workers) as pool:
            for i, image in enumerate(pool.map(self._decode, self.files)):
                out[i] = image
        return out, self.labels.copy()

    def batches(self, batch_size: int, shuffle: bool, seed: int,
                drop_last: bool) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Stream uint8 NHWC batches, decoding the next batch while the caller trains on this one."""
        torch = imported("torch")
        n = len(self)
        order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
        stop = n - n % batch_size if drop_last and n >= batch_size else n
        chunks = [order[i:i + batch_size] for i in range(0, stop, batch_size)]
        pin = torch.cuda.is_available()
        with ThreadPoolExecutor(1) as pool:  # one batch ahead; its images decode on a pool of their own
            ahead: Future | None = pool.submit(self._decode_batch, chunks[0]) if chunks else None
            for k in range(len(chunks)):
                images, labels = ahead.result()
                ahead = pool.submit(self._decode_batch, chunks[k + 1]) if k + 1 < len(chunks) else None
                images_t, labels_t = torch.from_numpy(images), torch.from_numpy(labels)
                yield (images_t.pin_memory(), labels_t.pin_memory()) if pin else (images_t, labels_t)

    def _decode(self, path: str) -> np.ndarray:
        return decode_image(path, self.resolution, self.crop_fraction)

    def _decode_batch(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Runs on a pool thread, beside the training step; its images decode on the other threads."""
        with ThreadPoolExecutor(self.workers) as inner:
            images = np.stack(list(inner.map(self._decode, [self.files[i] for i in index])))
        return images, self.labels[index]


def train_options(value: str) -> str:
    """How the train evaluator is given an image folder, in the commands' flags."""
    return f"image_dir={value} (train: --train-opt, search: --evaluator-opt)"


def locate_image_folder(image_dir: str | os.PathLike | None, data_dir: str | os.PathLike | None,
                        give: Callable[[str], str] = train_options) -> Path:
    """The image folder ``image_dir`` names, or else the ``imagenet`` folder of the data folders (the run's data
    folder, ``$NASLOOP_DATA``, the user cache); one line saying where none was found, with ``give``'s words for the
    option in the caller's own flags (training and zero-cost proxies read the folder alike, each given it its way)."""
    if image_dir:
        return expand_user(image_dir)
    if data_dir and not expand_user(data_dir).is_dir():
        raise DataError(f"data directory '{data_dir}' does not exist; pass an existing folder to --data-dir")
    dirs = search_dirs(data_dir)
    for folder in dirs:
        if (folder / IMAGE_FOLDER_NAME).is_dir():
            return folder / IMAGE_FOLDER_NAME
    given = expand_user(data_dir).resolve() if data_dir else None  # '.' has no parent to name
    if given is not None and (given / "train").is_dir():  # the image folder itself, given as the data folder
        raise DataError(f"data folder {given} is itself an image folder (it holds train/); the data folder holds "
                        f"it as '{IMAGE_FOLDER_NAME}/': pass {give(str(given))} or --data-dir {given.parent} with the "
                        f"folder named '{IMAGE_FOLDER_NAME}'")
    raise DataError(f"no '{IMAGE_FOLDER_NAME}' image folder in {', '.join(str(d) for d in dirs)}; give "
                    f"{give('DIR')} a folder with train/<class>/ and val/<class>/")


def folder_identity(root: Path, resolution: int) -> str:
    """An image folder in words that change when its classes or training images do: a run records it, and is refused
    a resume on other data (:meth:`Evaluator.data_identity`)."""
    return (f"image folder of {len(list_classes(root))} classes and {len(ImageFolder(root, 'train'))} training "
            f"images at {resolution}x{resolution}")


def list_classes(root: Path) -> list[str]:
    """Sorted class-folder names of ``root/train``, or one line saying what is wrong with ``root``."""
    if not root.is_dir():  # a file there was said not to exist, beside the file the user sees
        what = "is not a folder" if os.path.lexists(root) else "does not exist"
        raise DataError(f"image folder '{root}' {what}; give the image_dir option (or a data "
                        "folder's 'imagenet' subfolder) a folder holding train/<class>/ and val/<class>/")
    train = root / "train"
    if not train.is_dir():
        raise DataError(f"'{root}' has no 'train' folder; an image folder holds train/<class>/*.JPEG "
                        "and val/<class>/*.JPEG")
    classes = sorted(p.name for p in train.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise DataError(f"'{train}' has no class folders; put each class's images in train/<class name>/")
    return classes


def _stamps(folder: Path) -> tuple[int, ...]:
    """The modification times of ``folder`` and of each of its class folders, which change when a class or an
    image is added, removed or renamed: the key that keeps :func:`_scan`'s listing from going stale within one
    process (a Python session training on a folder, adding images, training again saw the old files; a deleted
    image was still listed and failed to decode). One stat per class, not per image: milliseconds for ImageNet."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        return (folder.stat().st_mtime_ns, *(e.stat().st_mtime_ns for e in entries if e.is_dir()))
    except OSError:  # no such folder: _scan names it
        return ()


@lru_cache(maxsize=8)
def _scan(root: str, split: str, classes: tuple[str, ...],
          stamps: tuple[int, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """File paths and labels of one split, sorted; cached because listing ImageNet takes seconds, keyed by the
    folders' ``stamps`` (see :func:`_stamps`)."""
    folder = Path(root) / split
    if not folder.is_dir():
        raise DataError(f"'{root}' has no '{split}' folder; an image folder holds train/<class>/ and val/<class>/")
    index = {name: i for i, name in enumerate(classes)}
    files: list[str] = []
    labels: list[int] = []
    for entry in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if entry.name not in index:
            raise DataError(f"class folder '{entry}' has no counterpart in {Path(root) / 'train'}; "
                            "val classes must be train classes")
        images = sorted(str(p) for p in entry.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
        if not images:
            raise DataError(f"class folder '{entry}' holds no images ({', '.join(EXTENSIONS)}); "
                            "add images or remove the folder")
        files.extend(images)
        labels.extend([index[entry.name]] * len(images))
    if not files:
        loose = sum(1 for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
        held = f"holds {loose:,} images but no class folders" if loose else "has no class folders with images"
        raise DataError(f"'{folder}' {held}; put each class's images in {split}/<class name>/, named as in "
                        f"{Path(root) / 'train'} (ImageNet's validation images come in one folder, their classes "
                        "in a separate file)")
    return tuple(files), tuple(labels)
