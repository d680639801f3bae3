"""Zero-cost proxies on an image folder (--dataset imagenet), written from the shipped CIFAR-10 subset's real images.

'nasloop proxies' and the proxy evaluator refused every network on an image folder ('zero-cost proxies need a fixed
class count, and imagenet takes it from an image folder'), NDS' ImageNet spaces included. They now build the networks
for the folder's classes and score them on its training images, given by the train evaluator's option names.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nasloop.engine.data.imagenet import ImageFolder
from nasloop.engine.proxy_batches import CIFAR_MEAN, CIFAR_STD, FolderImages, minibatch
from nasloop.engine.proxy_registry import resolve
from nasloop.engine.space_networks import to_module
from nasloop.search_spaces.nb201.space import NB201Space

from .image_folder_f8 import write_folder

pytestmark = pytest.mark.usefixtures("isolated_cache")

SMALL_NB201 = ["--space", "nb201", "--space-opt", "channels=4", "--space-opt", "cells=1"]


def test_nasloop_proxies_scores_networks_built_for_the_folders_classes(tmp_path, data_dir, nasloop_in_process):
    root = write_folder(tmp_path / "images", data_dir, per_class=4, classes=3)
    done = nasloop_in_process(["proxies", *SMALL_NB201, "--dataset", "imagenet", "--image-dir", str(root),
                               "--resolution", "16", "--batch-size", "8", "--proxies", "nwot,params", "--sample", "2",
                               "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    space = NB201Space(channels=4, cells=1)
    for row in rows:
        assert math.isfinite(row["scores"]["nwot"]), row
        three = sum(p.numel() for p in to_module(space, space.parse(row["arch"]), num_classes=3).parameters())
        assert row["scores"]["params"] == pytest.approx(three / 1e6)  # the folder's 3 classes, not CIFAR-10's 10


def test_the_minibatch_is_the_folders_own_images(tmp_path, data_dir):
    root = write_folder(tmp_path / "images", data_dir, per_class=4, classes=3)
    inputs, targets = minibatch(resolve(["nwot"]), "imagenet", None, 8, 0, FolderImages(str(root), 16))
    assert tuple(inputs.shape) == (8, 3, 16, 16)
    folder = ImageFolder(root, "train", resolution=16)
    decoded = {folder._decode(path).tobytes(): label for path, label in zip(folder.files, folder.labels)}
    pixels = inputs.permute(0, 2, 3, 1).numpy() * np.array(CIFAR_STD) + np.array(CIFAR_MEAN)
    for image, label in zip(np.rint(pixels * 255).astype(np.uint8), targets.tolist()):
        assert decoded[image.tobytes()] == label  # a real image of the folder, with its class's label


def test_the_proxy_evaluator_scores_an_nds_imagenet_network_on_the_folder(tmp_path, data_dir, nasloop_in_process):
    root = write_folder(tmp_path / "images", data_dir, per_class=2, classes=2)
    done = nasloop_in_process(["search", "--space", "nds-darts-in", "--space-opt", "widths=[8]", "--space-opt",
                               "depths=[3]", "--evaluator", "proxy", "--proxies", "nwot", "--evaluator-opt",
                               f"image_dir={root}", "--evaluator-opt", "resolution=16", "--evaluator-opt",
                               "batch_size=4", "--strategy", "random", "--budget", "1", "--run-dir",
                               str(tmp_path / "run"), "--json", "--quiet"], tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["dataset"] == "imagenet" and summary["failed"] == 0
    assert math.isfinite(summary["best"]["metrics"]["nwot"])


@pytest.mark.parametrize("args, said", [
    (["--image-dir", "{root}"], "--image-dir {root} is an option of an image folder (--dataset imagenet), and the "
                                "proxies read cifar10; drop it or use --dataset imagenet"),
    (["--dataset", "imagenet", "--image-dir", "{root}", "--out", "{root}.csv"],
     "--out writes a proxy file that runs read as stored proxies of a dataset, and its settings name no image "
     "folder, so one folder's scores would serve runs on any other; print the scores (--json) instead of --out")])
def test_what_proxies_cannot_do_with_a_folder_is_one_line(args, said, tmp_path, data_dir, nasloop_in_process):
    root = write_folder(tmp_path / "images", data_dir, per_class=2, classes=2)
    done = nasloop_in_process(["proxies", *SMALL_NB201, "--sample", "1", "--proxies", "params",
                               *[arg.format(root=root) for arg in args]], tmp_path)
    assert done.returncode == 2 and done.stderr == f"nasloop proxies: error: {said.format(root=root)}\n"
