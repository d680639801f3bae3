"""Real training on real CIFAR-10 images: learning, checkpoint resume, image folders, search, errors.

Networks are small (C=4..8, N=1) and data slices of the subset, so the file runs in well under a
minute on two CPU cores. Torch runs single-threaded here: the test machine is shared, and
oversubscribed threads slow training down by an order of magnitude.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.cifar import load_cifar10
from nasloop.engine.data.imagenet import ImageFolder
from nasloop.engine.context import RunContext
from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.evaluators.train import TrainingEvaluator
from nasloop.engine.evaluators.trainer import TrainConfig, Trainer, augment, stratified_split
from nasloop.engine.registry import EVALUATORS
from nasloop.engine.search import search
from nasloop.engine.train_one import train_architecture
from nasloop.search_spaces.nb201 import NB201Space

from PIL import Image

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
TINY = {"batch_size": 32, "train_images": 400}
TINY_NET = {"channels": 4, "cells": 1}  # NB201 network size: options of the space


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_one_epoch_on_the_cifar10_subset_learns_well_above_chance(data_dir):
    space = NB201Space(channels=8, cells=1)
    evaluator = EVALUATORS.get("train")(space, RunContext(data_dir=str(data_dir)), epochs=3, batch_size=32,
                                        train_images=2000)
    result = evaluator.evaluate(space.parse(BEST_CELL), fidelity=1)
    m = result.metrics
    # Measured on this setup: val 25 %, test 27-30 % after one epoch (chance is 10 %); held-out
    # images only: 200 validation images carved from train, and the 870 subset test images.
    assert m["val_accuracy"] > 17 and m["test_accuracy"] > 17, m
    assert m["epochs"] == 1 and m["start_epoch"] == 0  # the fidelity overrides the default epochs
    assert m["params"] == sum(p.numel() for p in space.to_module(space.parse(BEST_CELL)).parameters())
    assert 0 < m["train_loss"] < math.log(10)  # below the loss of a uniform guess
    assert m["images_per_second"] > 0 and result.cost > 0


def test_interrupted_training_resumes_from_the_last_finished_epoch(data_dir, tmp_path):
    space = NB201Space(**TINY_NET)
    arch = space.parse(BEST_CELL)
    evaluator = TrainingEvaluator(space, RunContext(data_dir=str(data_dir), run_dir=str(tmp_path / "run")), epochs=2,
                                  **TINY)

    class Preempted(Exception):
        pass

    def preempt_after_first_epoch(epoch: int, loss: float) -> None:
        if epoch == 1:
            raise Preempted

    with pytest.raises(Preempted):
        evaluator.train(arch, on_epoch_end=preempt_after_first_epoch)
    checkpoint = evaluator.checkpoint_dir(arch, 2) / "last.pt"
    assert checkpoint.is_file() and torch.load(checkpoint, weights_only=True)["epoch"] == 1
    assert not any(p.name.endswith(".tmp") for p in checkpoint.parent.iterdir())

    saved = torch.load(checkpoint, weights_only=True)
    before, first = saved["seconds"], saved["train_seconds"]  # the first epoch's time with data loading, and without
    epochs_run: list[int] = []
    resumed = evaluator.train(arch, on_epoch_end=lambda epoch, loss: epochs_run.append(epoch))
    assert resumed.start_epoch == 1 and epochs_run == [2]  # continued at epoch 2, not from scratch
    # It costs both attempts: only the second's time was charged, so --max-seconds overspent by the first.
    assert before > 0 and resumed.seconds >= before + resumed.train_seconds - first  # train_seconds: both epochs

    # The same two epochs without interruption (no checkpoints) reach the same network.
    fresh = TrainingEvaluator(space, RunContext(data_dir=str(data_dir)), epochs=2, **TINY).train(arch)
    assert fresh.start_epoch == 0 and len(fresh.epoch_losses) == 2
    assert resumed.epoch_losses == pytest.approx(fresh.epoch_losses, rel=1e-5)
    assert resumed.val_accuracy == pytest.approx(fresh.val_accuracy)
    assert resumed.test_accuracy == pytest.approx(fresh.test_accuracy)

    checkpoint.write_bytes(checkpoint.read_bytes()[:1000])
    with pytest.raises(DataError) as exc:
        evaluator.train(arch)
    assert str(checkpoint) in str(exc.value) and "\n" not in str(exc.value)
    witness = checkpoint.parent / "ran"
    torch.save({"epoch": _Exploit(str(witness))}, checkpoint)  # a checkpoint from outside that would run code
    with pytest.raises(DataError, match=r"damaged or holds objects other than weights, which are not loaded\); "
                                        r"delete it") as exc:
        evaluator.train(arch)
    assert "weights_only" not in str(exc.value) and not witness.exists()


class _Exploit:
    """Unpickled unsafely, it would create a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def write_image_folder(root: Path, images: np.ndarray, labels: np.ndarray, train: int, val: int) -> None:
    """An ImageNet-style folder (train/<class>/, val/<class>/) of real CIFAR images saved as PNG."""
    for label in range(10):
        members = np.flatnonzero(labels == label)
        for split, chosen in (("train", members[:train]), ("val", members[train:train + val])):
            (root / split / f"class{label}").mkdir(parents=True, exist_ok=True)
            for i in chosen:
                Image.fromarray(images[i]).save(root / split / f"class{label}" / f"{i}.png")


def test_image_folder_dataset_trains_end_to_end_in_memory_and_streamed(data_dir, tmp_path):
    write_image_folder(tmp_path / "imagenet", *load_cifar10(data_dir, "test", source="subset"), train=20, val=2)
    space = NB201Space(**TINY_NET)
    report = train_architecture(space, BEST_CELL, dataset="imagenet", epochs=1, data_dir=tmp_path,
                                resolution=16, batch_size=32, val_fraction=0.2)
    named = train_architecture("nb201", BEST_CELL, dataset="imagenet", epochs=1, data_dir=tmp_path, resolution=16,
                               batch_size=32, val_fraction=0.2, **TINY_NET)  # a space by name takes its options too
    assert named["params"] == report["params"]
    assert "image folder" in report["data_source"] and report["epochs"] == 1
    # accuracies are real counts: 40 validation images carved from train (4 per class), 20 test images
    for key, count in (("val_accuracy", 40), ("test_accuracy", 20)):
        correct = report[key] * count / 100
        assert 0 <= correct <= count and correct == pytest.approx(round(correct))
    assert math.isfinite(report["train_loss"]) and report["images_per_second"] > 0

    train = ImageFolder(tmp_path / "imagenet", "train", resolution=16)
    keep, held = stratified_split(train.labels, 0.2, 0)
    network = space.to_module(space.parse(BEST_CELL))
    streamed = Trainer(TrainConfig(epochs=1, batch_size=32)).fit(
        network, train.subset(keep), train.subset(held), ImageFolder(tmp_path / "imagenet", "val", resolution=16))
    assert streamed.params == report["params"] and math.isfinite(streamed.train_loss)
    assert 0 <= streamed.test_accuracy <= 100


def test_a_validation_split_that_rounds_to_nothing_is_refused(data_dir, tmp_path):
    """Three training images a class held out none: every val_accuracy was NaN (train --json printed null)."""
    write_image_folder(tmp_path / "imagenet", *load_cifar10(data_dir, "test", source="subset"), train=3, val=1)
    with pytest.raises(ConfigError, match=r"val_fraction=0.1 of the 30 training images of image folder .* leaves the "
                                          r"validation split empty \(it is carved per class"):
        train_architecture(NB201Space(**TINY_NET), BEST_CELL, dataset="imagenet", epochs=1, data_dir=tmp_path,
                           resolution=16)
    assert train_architecture(NB201Space(**TINY_NET), BEST_CELL, dataset="imagenet", epochs=1, data_dir=tmp_path,
                              resolution=16, val_fraction=0.34)["val_accuracy"] is not None
    with pytest.raises(ConfigError, match=r"leaves the training split empty .*; lower val_fraction or add images"):
        train_architecture(NB201Space(**TINY_NET), BEST_CELL, dataset="imagenet", epochs=1, data_dir=tmp_path,
                           resolution=16, val_fraction=0.9)  # was told to raise it


def test_search_with_the_train_evaluator_runs_end_to_end(data_dir, tmp_path):
    config = SearchConfig(evaluator="train", strategy="random", fidelity=1, budget=2, seed=1,
                          data_dir=str(data_dir), run_dir=str(tmp_path / "run"),
                          evaluator_options={**TINY, **TINY_NET, "train_images": 300})  # old spelling of the size
    summary = search(config)
    assert summary["evaluations"] == 2 and summary["failed"] == 0
    best = summary["best"]["metrics"]
    assert 0 <= best["val_accuracy"] <= 100 and 0 <= best["test_accuracy"] <= 100 and best["params"] > 0
    assert len(list((tmp_path / "run" / "checkpoints").iterdir())) == 2


def test_a_training_whose_loss_diverged_is_a_failed_evaluation(data_dir, tmp_path):
    # At lr=1e12 the weights overflow within the first epoch: the network then predicts one class, and its
    # chance-level accuracy (10 %) was stored as a success, val_accuracy and all.
    config = SearchConfig(evaluator="train", strategy="random", fidelity=1, budget=2, seed=1,
                          data_dir=str(data_dir), run_dir=str(tmp_path / "run"), space_options=TINY_NET,
                          evaluator_options={**TINY, "lr": 1e12})
    summary = search(config)
    assert summary["status"] == "failed" and summary["failed"] == 2
    assert ("training diverged: the loss was nan by epoch 1; lower the learning rate (lr=1e+12)"
            in summary["stop_reason"])
    with pytest.raises(ConfigError, match=re.escape("lower the learning rate (lr=1e+12), e.g. --train-opt lr=1e+11")):
        train_architecture("nb201", BEST_CELL, data_dir=data_dir, epochs=1, lr=1e12, **TINY, **TINY_NET)


def test_a_damaged_dataset_is_refused_before_the_run_folder_exists(data_dir, tmp_path):
    # Only a missing file was caught before the folder; a truncated one failed the first evaluation and left
    # a failed run that the same command then refused to start again ("already holds a run").
    damaged = tmp_path / "data"
    damaged.mkdir()
    (damaged / "cifar10_subset.npz").write_bytes((data_dir / "cifar10_subset.npz").read_bytes()[:3_000_000])
    config = SearchConfig(evaluator="train", strategy="random", fidelity=1, budget=2, data_dir=str(damaged),
                          run_dir=str(tmp_path / "run"), space_options=TINY_NET, evaluator_options=TINY)
    with pytest.raises(DataError, match="is corrupt or truncated"):
        search(config)
    assert not (tmp_path / "run").exists()


def test_an_npz_of_other_arrays_is_named_as_such(tmp_path):
    np.savez(tmp_path / "cifar10_subset.npz", images=np.zeros((2, 32, 32, 3), dtype=np.uint8))
    with pytest.raises(DataError, match=re.escape("has no arrays x_train and y_train; it is not nasloop's CIFAR-10 "
                                                  "subset: replace it with a fresh copy of cifar10_subset.npz")):
        load_cifar10(tmp_path, "train")
    np.savez(tmp_path / "cifar10_subset.npz", x_train=np.zeros((0, 32, 32, 3), dtype=np.uint8),
             y_train=np.zeros(0, dtype=np.int64))  # training on it advised 'give 0 or fewer' train_images
    with pytest.raises(DataError, match=re.escape("cifar10_subset.npz holds no train images; replace it")):
        load_cifar10(tmp_path, "train")


def test_augmentation_is_a_reflected_translation_and_flip_of_each_image(data_dir):
    x, _ = load_cifar10(data_dir, "test", source="subset")
    images = torch.from_numpy(x[:64].copy())
    out = augment(images, 4, True, torch.Generator().manual_seed(0))
    assert out.shape == images.shape and out.dtype == torch.uint8
    assert not torch.equal(out, images)
    padded = np.pad(x[:64], ((0, 0), (4, 4), (4, 4), (0, 0)), mode="reflect")
    for i in range(64):  # every output is some 32x32 window of its padded image, maybe mirrored
        windows = [padded[i, r:r + 32, c:c + 32] for r in range(9) for c in range(9)]
        assert any(np.array_equal(out[i].numpy(), w) or np.array_equal(out[i].numpy(), w[:, ::-1])
                   for w in windows)


def test_bad_training_requests_are_one_line_errors(data_dir, tmp_path, isolated_cache):
    space = NB201Space()
    here, empty = RunContext(data_dir=str(data_dir)), RunContext(data_dir=str(tmp_path))
    with pytest.raises(ConfigError):
        TrainingEvaluator(space, RunContext("mnist", str(data_dir)))
    with pytest.raises(DataError) as exc:
        TrainingEvaluator(space, empty).check(1)  # an empty folder: no CIFAR-10 anywhere
    assert "cifar10_subset.npz" in str(exc.value)
    with pytest.raises(DataError) as exc:
        TrainingEvaluator(space, RunContext(data_dir=str(tmp_path / "missing"))).check(1)
    assert "does not exist" in str(exc.value)
    with pytest.raises(DataError) as exc:
        TrainingEvaluator(space, RunContext("imagenet", str(tmp_path))).check(1)
    assert "image_dir" in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        TrainingEvaluator(space, here, device="cuda:99").check(1)
    assert "cuda:99" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(ConfigError):
        TrainingEvaluator(space, here).check(0)
    with pytest.raises(ConfigError, match="option schedule must be one of cosine, linear, got 'step'"):
        TrainingEvaluator(space, here, schedule="step")
    with pytest.raises(ConfigError, match="option val_fraction must be a number > 0 and < 1, got 1.0"):
        TrainingEvaluator(space, here, val_fraction=1.0)
    given_twice = SearchConfig(evaluator="train", fidelity=1, evaluator_options={"epochs": 3}, budget=1,
                               data_dir=str(data_dir), run_dir=str(tmp_path / "twice"))
    with pytest.raises(ConfigError, match=r"^--fidelity \(--epochs\) 1 and --evaluator-opt epochs=3 both set the "
                                          r"train evaluator's fidelity; give it once$"):
        search(given_twice)  # it trained one epoch without a word
    assert not (tmp_path / "twice").exists()
    with pytest.raises(ConfigError, match="option epochs must be an integer >= 1 and <= 10000, got 10.5"):
        TrainingEvaluator(space, here, epochs=10.5)
    # 10**20 epochs overflowed the store's integer after the run folder was made (a traceback), or trained on
    with pytest.raises(ConfigError, match="fidelity is a number of epochs, an integer >= 1 and <= 10000 .*got 200000"):
        TrainingEvaluator(space, here).check(200_000)
    with pytest.raises(ConfigError, match=r"fidelity must be an integer >= 1 and <= 9223372036854775807 or null"):
        SearchConfig(evaluator="train", fidelity=10**20)
    with pytest.raises(SystemExit) as exits:
        main(["search", "--evaluator", "train", "--epochs", str(10**20), "--run-dir", str(tmp_path / "huge")])
    assert exits.value.code == 2 and not (tmp_path / "huge").exists()
    assert main(["search", "--evaluator", "train", "--epochs", "200000", "--run-dir", str(tmp_path / "huge")]) == 2
    assert not (tmp_path / "huge").exists()
    with pytest.raises(ConfigError, match=r"option lr must be a number > 0 and <= 1e\+30, got 1e\+300"):
        TrainingEvaluator(space, here, lr=1e300)  # failed inside torch's SGD
    with pytest.raises(ConfigError, match="train_images=999999 exceeds the 5,230 training images of "):
        TrainingEvaluator(space, here, train_images=999_999).check(1)  # it trained on the 5,230 without a word
    with pytest.raises(ConfigError, match="evaluator 'train' has no option 'width'; it takes: epochs, batch_size"):
        train_architecture("nb201", BEST_CELL, data_dir=data_dir, width=8)
