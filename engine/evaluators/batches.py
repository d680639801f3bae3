"""The training data pipeline: splits, device-resident batches and on-device augmentation.

Small datasets live on the device as uint8 NHWC and are batched by indexing, with no host round
trip; augmentation (reflected translation and flips) is one gather per batch on the device. Larger
ones stream through any :class:`BatchSource`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Protocol, runtime_checkable

import numpy as np

from ..errors import ConfigError, DataError
from ..held_imports import imported

if TYPE_CHECKING:  # imported where a network or tensor is first made: listing or refusing loads no torch
    import torch


# Per-channel statistics of the CIFAR-10 training set; close enough for natural images in general.
MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)


@runtime_checkable
class BatchSource(Protocol):
    """A split too big to hold on the device: yields uint8 NHWC image and int64 label batches."""

    def __len__(self) -> int:
        """The number of examples."""

    def batches(self, batch_size: int, shuffle: bool, seed: int,
                drop_last: bool) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One pass over the split; ``seed`` fixes the order so a resumed epoch sees the same one."""


Split = tuple[np.ndarray, np.ndarray] | BatchSource
"""uint8 NHWC images and int64 labels as arrays, or a streaming :class:`BatchSource`."""


def stratified_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(kept, held_out)``: ``fraction`` of each class held out, drawn with ``seed``.

    Per class, so a held-out split of a small or balanced set keeps the class proportions and its
    accuracy is comparable across seeds. Both index arrays are sorted (locality when streaming).
    """
    if not 0 <= fraction < 1:
        raise ConfigError(f"val_fraction must be in [0, 1), got {fraction}")
    rng = np.random.default_rng(seed)
    held: list[np.ndarray] = []
    for cls in np.unique(labels):
        members = np.flatnonzero(labels == cls)
        held.append(rng.permutation(members)[:int(round(fraction * len(members)))])
    held_out = np.sort(np.concatenate(held)) if held else np.zeros(0, dtype=np.int64)
    mask = np.ones(len(labels), dtype=bool)
    mask[held_out] = False
    return np.flatnonzero(mask), held_out


class DeviceArrays:
    """A split held on the device as uint8 NHWC, batched by indexing (no host round trips)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, device: torch.device) -> None:
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
            raise DataError(f"training images must be uint8 (N, H, W, 3) arrays, got {images.dtype} {images.shape}")
        if len(images) != len(labels):
            raise DataError(f"{len(images)} images but {len(labels)} labels")
        pin = device.type == "cuda"
        self.images = _to_device(_tensor(images, np.uint8), device, pin)
        self.labels = _to_device(_tensor(labels, np.int64), device, pin)
        self.device = device

    def __len__(self) -> int:
        return len(self.labels)

    def batches(self, batch_size: int, shuffle: bool, seed: int,
                drop_last: bool) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        torch = imported("torch")
        n = len(self)
        if shuffle:
            generator = torch.Generator(device=self.device).manual_seed(seed)
            order = torch.randperm(n, generator=generator, device=self.device)
        else:
            order = None
        stop = n - n % batch_size if drop_last and n >= batch_size else n
        for start in range(0, stop, batch_size):
            if order is None:
                yield self.images[start:start + batch_size], self.labels[start:start + batch_size]
            else:
                index = order[start:start + batch_size]
                yield self.images[index], self.labels[index]


def _tensor(array: np.ndarray, dtype: type) -> torch.Tensor:
    """A tensor of ``array``, copied when the array is read-only (the data caches hand out such)."""
    torch = imported("torch")
    array = np.ascontiguousarray(array, dtype=dtype)
    return torch.from_numpy(array if array.flags.writeable else array.copy())


def _to_device(tensor: torch.Tensor, device: torch.device, pin: bool) -> torch.Tensor:
    if pin:  # pinned host memory makes the copy asynchronous
        tensor = tensor.pin_memory()
    return tensor.to(device, non_blocking=pin)


def augment(images: torch.Tensor, padding: int, flip: bool, generator: torch.Generator) -> torch.Tensor:
    """Random translation by up to ``padding`` pixels (reflected borders) and horizontal flips.

    Equivalent to reflect-pad + random crop, done as one gather per batch on uint8 NHWC data, so it
    costs one pass over the batch on the device whatever its size.
    """
    torch = imported("torch")
    b, h, w, _ = images.shape
    device = images.device
    if padding:
        dy, dx = (torch.randint(-padding, padding + 1, (2, b, 1), device=device, generator=generator))
    else:
        dy = dx = torch.zeros((b, 1), dtype=torch.long, device=device)
    rows = _reflect(torch.arange(h, device=device) + dy, h)
    cols = _reflect(torch.arange(w, device=device) + dx, w)
    if flip:
        flipped = torch.rand((b, 1), device=device, generator=generator) < 0.5
        cols = torch.where(flipped, cols.flip(1), cols)
    batch = torch.arange(b, device=device)[:, None, None]
    return images[batch, rows[:, :, None], cols[:, None, :]]


def _reflect(index: torch.Tensor, size: int) -> torch.Tensor:
    torch = imported("torch")
    index = index.abs()
    return torch.where(index > size - 1, 2 * (size - 1) - index, index)
