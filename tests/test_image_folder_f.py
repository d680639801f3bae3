"""An image folder changed between two trainings in one Python process is listed afresh, not from a stale cache."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nasloop.engine.data.imagenet import ImageFolder
from nasloop.engine.errors import DataError


def _image(path: Path, value: int) -> None:
    Image.fromarray(np.full((12, 12, 3), value, dtype=np.uint8)).save(path)


def _folder(root: Path) -> Path:
    """train/{a,b} with one image each, every folder dated long ago (as a folder made before the session is):
    a change made now gives its folder a new time even where the file system's clock is coarse."""
    for c, value in (("a", 10), ("b", 200)):
        (root / "train" / c).mkdir(parents=True)
        _image(root / "train" / c / "0.png", value)
    for folder in (root / "train", root / "train" / "a", root / "train" / "b"):
        os.utime(folder, ns=(10**18, 10**18))
    return root


def test_an_image_added_between_two_listings_is_listed(tmp_path):
    root = _folder(tmp_path / "images")
    assert len(ImageFolder(root, "train", resolution=8)) == 2
    _image(root / "train" / "a" / "1.png", 90)  # the user adds an image and trains again in the same session
    again = ImageFolder(root, "train", resolution=8)
    assert [Path(f).name for f in again.files] == ["0.png", "1.png", "0.png"]
    assert again.labels.tolist() == [0, 0, 1]


def test_an_image_deleted_between_two_listings_is_not_listed(tmp_path):
    root = _folder(tmp_path / "images")
    assert len(ImageFolder(root, "train", resolution=8)) == 2
    (root / "train" / "b" / "0.png").unlink()  # was still listed, and failed to decode mid-training
    with pytest.raises(DataError, match="holds no images"):
        ImageFolder(root, "train", resolution=8)


def test_an_unchanged_folder_keeps_its_listing(tmp_path):
    root = _folder(tmp_path / "images")
    assert ImageFolder(root, "train", resolution=8).files is ImageFolder(root, "train", resolution=8).files
