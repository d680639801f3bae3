"""Odd files in an image folder, written from the shipped CIFAR-10 subset's real images.

A 16-bit image decoded nearly white (Pillow's convert('RGB') clips it at 255), a floating-point one likewise; ImageNet's
flat validation folder was refused without the fix; and a run stopped by an unreadable image, deleted as its error
says, was refused its resume as if it had been evaluated on other data, with nothing evaluated yet.
"""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nasloop.engine.data.imagenet import ImageFolder, decode_image
from nasloop.engine.errors import DataError

from .image_folder_f8 import cifar_images, write_folder

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_16_bit_image_decodes_as_its_8_bit_self(tmp_path, data_dir):
    grey = cifar_images(data_dir)[0][0].mean(axis=-1).round().astype(np.uint8)
    Image.fromarray(grey).save(tmp_path / "8.png")
    Image.fromarray(grey.astype(np.uint16) * 257).save(tmp_path / "16.png")  # 255 -> 65535
    with Image.open(tmp_path / "16.png") as sixteen_bits:
        assert sixteen_bits.mode.startswith("I")
    eight, sixteen = decode_image(tmp_path / "8.png", 32), decode_image(tmp_path / "16.png", 32)
    assert np.abs(eight.astype(int) - sixteen.astype(int)).max() <= 1, sixteen.mean()  # was about 255 everywhere


def test_a_floating_point_image_is_refused_naming_it(tmp_path, data_dir):
    grey = cifar_images(data_dir)[0][0].mean(axis=-1).astype(np.float32) / 255
    Image.fromarray(grey).save(tmp_path / "float.tif")
    with pytest.raises(DataError, match=r"image .*float\.tif has floating-point pixels.*; save it with 8-bit"):
        decode_image(tmp_path / "float.tif", 32)


def test_a_flat_validation_folder_is_refused_with_the_fix(tmp_path, data_dir):
    root = write_folder(tmp_path / "images", data_dir, per_class=2, classes=2)
    for image in list((root / "val").glob("*/*.png")):
        image.rename(root / "val" / f"{image.parent.name}-{image.name}")  # ImageNet's val/ holds its images flat
        if not any(image.parent.iterdir()):
            image.parent.rmdir()
    with pytest.raises(DataError) as refused:
        ImageFolder(root, "val", resolution=8)
    assert str(refused.value) == (f"'{root / 'val'}' holds 4 images but no class folders; put each class's images in "
                                  f"val/<class name>/, named as in {root / 'train'} (ImageNet's validation images "
                                  "come in one folder, their classes in a separate file)")


def test_a_run_stopped_by_an_unreadable_image_resumes_once_it_is_deleted(tmp_path, data_dir, nasloop_in_process):
    root = write_folder(tmp_path / "images", data_dir, per_class=4)
    bad = root / "train" / "class3" / "broken.jpg"
    bad.write_text("not an image\n")
    run = tmp_path / "run"
    args = ["search", "--space", "nb201", "--dataset", "imagenet", "--space-opt", "channels=4", "--space-opt",
            "cells=1", "--evaluator", "train", "--evaluator-opt", f"image_dir={root}", "--evaluator-opt",
            "resolution=8", "--evaluator-opt", "batch_size=8", "--evaluator-opt", "val_fraction=0.25", "--epochs", "1",
            "--strategy", "random", "--budget", "1", "--run-dir", str(run), "--quiet", "--json"]
    stopped = nasloop_in_process(args, tmp_path)
    assert stopped.returncode == 2 and stopped.stderr.count("\n") == 1
    assert f"cannot read image {bad} (" in stopped.stderr and "delete or replace it" in stopped.stderr
    bad.unlink()  # as the error says
    resumed = nasloop_in_process(["search", "--resume", str(run), "--quiet", "--json"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr  # was refused: 'evaluated on the image folder of ... 41 training
    assert '"evaluations": 1' in resumed.stdout  # images ..., and would now be on ... 40'
