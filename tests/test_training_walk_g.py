"""The real-training path walked as a user does: data folders in the exact public formats, built here with numpy."""
from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from nasloop.engine.config import SearchConfig
from nasloop.engine.data.cifar import FOLDER, load_cifar10
from nasloop.engine.context import RunContext
from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.evaluators.train import TrainingEvaluator
from nasloop.engine.evaluators.trainer import TrainConfig, Trainer
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nb201 import NB201Space

from .messages import one_line


def write_batches(folder: Path, per_batch: int = 20, seed: int = 0) -> None:
    """Random images as the official cifar-10-batches-py files: (N, 3072) uint8 rows, labels a list of ints."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"batch_label": name.encode(), b"labels": [int(v) for v in rng.integers(0, 10, per_batch)],
                 b"data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
                 b"filenames": [f"{i}.png".encode() for i in range(per_batch)]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))


def rewrite(file: Path, **changes: object) -> None:
    """Replace some entries of one batch file (keys given without the b'' prefix)."""
    batch = pickle.loads(file.read_bytes(), encoding="bytes")
    batch.update({key.encode(): value for key, value in changes.items()})
    file.write_bytes(pickle.dumps(batch, protocol=2))


def test_a_batch_saved_as_nhwc_images_is_refused_not_scrambled(tmp_path):
    """A batch whose data is (N, 32, 32, 3) has the right number of bytes; it was reshaped as CHW rows and trained
    on scrambled pixels without a word. Now the file is named with the shape it should have."""
    write_batches(tmp_path / FOLDER)
    file = tmp_path / FOLDER / "data_batch_3"
    images = pickle.loads(file.read_bytes(), encoding="bytes")[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    rewrite(file, data=np.ascontiguousarray(images))
    with pytest.raises(DataError) as exc:
        load_cifar10(tmp_path, "train", source="full")
    one_line(str(exc.value), "data_batch_3", "(20, 32, 32, 3)", "(N, 3072)")


def test_a_batch_with_fewer_labels_than_images_is_named(tmp_path):
    """The count mismatch named the folder ('cifar-10-batches-py holds (99,) labels for 100 images'), leaving the user
    to find which of six files is wrong; now it names the file."""
    write_batches(tmp_path / FOLDER)
    rewrite(tmp_path / FOLDER / "data_batch_4", labels=[0] * 19)
    with pytest.raises(DataError) as exc:
        load_cifar10(tmp_path, "train", source="full")
    one_line(str(exc.value), "data_batch_4", "labels for 20 images")


def test_the_public_format_still_loads(tmp_path):
    write_batches(tmp_path / FOLDER)
    images, labels = load_cifar10(tmp_path, "train", source="full")
    raw = pickle.loads((tmp_path / FOLDER / "data_batch_1").read_bytes(), encoding="bytes")
    assert images.shape == (100, 32, 32, 3) and labels.tolist()[:20] == raw[b"labels"]
    assert np.array_equal(images[0, :, :, 0].ravel(), raw[b"data"][0, :1024])  # the red plane comes first


@pytest.mark.usefixtures("one_torch_thread")
def test_a_trial_resumed_after_its_last_epoch_keeps_its_training_time_and_images_per_second(tmp_path):
    """A search killed while a trial measured its accuracies resumes it from the last epoch's checkpoint with no epoch
    left: it reported train_seconds 0.0 and images_per_second NaN (and a trial resumed mid-way only its last
    attempt's epochs). The checkpoint now keeps the training seconds and images of every epoch."""
    rng = np.random.default_rng(0)
    train = (rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8), np.arange(64) % 10)
    val = (rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8), np.arange(20) % 10)
    space = NB201Space(channels=4, cells=1)
    arch = space.parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|")

    def fit():
        torch.manual_seed(0)
        return Trainer(TrainConfig(epochs=1, batch_size=16), device="cpu").fit(
            space.to_module(arch), train, val, val, checkpoint_dir=tmp_path / "trial")

    first, resumed = fit(), fit()
    assert first.start_epoch == 0 and resumed.start_epoch == 1  # the second found every epoch done
    assert resumed.val_accuracy == first.val_accuracy
    assert resumed.train_seconds == pytest.approx(first.train_seconds) and first.train_seconds > 0
    assert resumed.images_per_second == pytest.approx(first.images_per_second)
    assert math.isfinite(resumed.images_per_second)


@pytest.mark.parametrize("dataset, option, value", [("cifar10", "resolution", 16), ("cifar10", "image_dir", "imgs"),
                                                    ("imagenet", "cifar_source", "full")])
def test_an_option_of_the_other_datasets_loader_is_refused_not_ignored(tmp_path, dataset, option, value):
    """resolution=16 on CIFAR-10 trained at 32x32 and cifar_source=full on an image folder read the folder, both
    without a word; now the option and the dataset that reads it are named before any data is read."""
    evaluator = TrainingEvaluator(NB201Space(channels=4, cells=1),
                                  RunContext(dataset=dataset, data_dir=str(tmp_path)), **{option: value})
    with pytest.raises(ConfigError) as exc:
        evaluator.check_new()  # a new run asks it; a stored run resumes as it began
    one_line(str(exc.value), f"{option}={value}", f"--dataset {'imagenet' if dataset == 'cifar10' else 'cifar10'}")


def write_image_folder(root: Path, per_class: int = 4) -> None:
    """An ImageNet-style folder: train/<class>/*.png and val/<class>/*.png of random 12x10 RGB images."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for name in ("cat", "dog"):
            (root / split / name).mkdir(parents=True)
            for i in range(per_class):
                pixels = rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(root / split / name / f"{i}.png")


def test_an_image_folder_is_checked_like_cifar_before_the_run(tmp_path):
    """On an image folder train_images above the images held trained on all of them without a word (CIFAR-10 refused
    it), and a val class folder without images failed only once the run had started; check() now says both."""
    write_image_folder(tmp_path / "imgs")
    context = RunContext(dataset="imagenet", data_dir=str(tmp_path))
    evaluator = TrainingEvaluator(NB201Space(channels=4, cells=1), context, image_dir=str(tmp_path / "imgs"),
                                  train_images=100, val_fraction=0.5)
    with pytest.raises(ConfigError) as exc:
        evaluator.check(1)
    one_line(str(exc.value), "train_images=100", "the 8 training images", "give 8 or fewer")
    write_image_folder(tmp_path / "other")  # another folder: a process caches each folder's listing
    for image in (tmp_path / "other" / "val" / "dog").iterdir():
        image.unlink()
    (tmp_path / "other" / "val" / "dog" / "notes.txt").write_text("not an image")
    with pytest.raises(DataError) as exc:
        TrainingEvaluator(NB201Space(channels=4, cells=1), context, image_dir=str(tmp_path / "other"),
                          val_fraction=0.5).check(1)
    one_line(str(exc.value), "val/dog", "holds no images")


def test_a_resumed_run_that_would_train_on_other_data_is_refused(tmp_path, isolated_cache):
    """A run on the subset, resumed once a full CIFAR-10 had been put in its data folder, trained its later trials on
    the full dataset and mixed the two without a word; now the resume is refused naming both (the run's store
    records its data), and a run whose data folder merely moved goes on."""
    rng = np.random.default_rng(0)
    data, run, moved = tmp_path / "data", tmp_path / "run", tmp_path / "moved"
    data.mkdir()
    np.savez(data / "cifar10_subset.npz", x_train=rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8),
             y_train=np.arange(40) % 10, x_test=rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8),
             y_test=np.arange(20) % 10)
    search(SearchConfig(space="nb201", evaluator="train", strategy="random", budget=1, fidelity=1, data_dir=str(data),
                        run_dir=str(run), space_options={"channels": 4, "cells": 1},
                        evaluator_options={"val_fraction": 0.5, "batch_size": 20}))
    write_batches(data / FOLDER)
    with pytest.raises(DataError) as exc:
        resume(run, budget=2)
    one_line(str(exc.value), "was evaluated on the class-balanced CIFAR-10 subset", "now be on the full CIFAR-10")
    moved.mkdir()
    (data / "cifar10_subset.npz").rename(moved / "cifar10_subset.npz")
    assert resume(run, budget=2, data_dir=moved)["evaluations"] == 2


def test_a_run_begun_before_a_refusal_still_resumes(tmp_path, isolated_cache):
    """compile_mode without compile=true is refused before a new run since this was found ignored; a run begun
    before that refusal (its stored options holding it) could no longer resume: the resume takes no option to drop
    it with. It resumes as it began."""
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "cifar10_subset.npz", x_train=rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8),
             y_train=np.arange(40) % 10, x_test=rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8),
             y_test=np.arange(20) % 10)
    config = SearchConfig(space="nb201", evaluator="train", strategy="random", budget=1, fidelity=1,
                          data_dir=str(tmp_path), run_dir=str(tmp_path / "run"),
                          space_options={"channels": 4, "cells": 1},
                          evaluator_options={"val_fraction": 0.5, "batch_size": 20})
    search(config)
    with RunStore.in_run_dir(tmp_path / "run") as store:  # as an earlier nasloop stored it
        stored = store.get_meta("config")
        stored["evaluator_options"]["compile_mode"] = "max-autotune"
        store.set_meta("config", stored)
    assert resume(tmp_path / "run", budget=2)["evaluations"] == 2
    with pytest.raises(ConfigError) as exc:
        search(config.replace(run_dir=str(tmp_path / "new"),
                              evaluator_options={**config.evaluator_options, "compile_mode": "max-autotune"}))
    one_line(str(exc.value), "compile_mode=max-autotune", "compile=true")


def test_a_warmup_longer_than_the_training_is_refused(tmp_path):
    """warmup_epochs=5 with 1 epoch trained ended with the learning rate at a fifth of lr, without a word."""
    np.savez(tmp_path / "cifar10_subset.npz", x_train=np.zeros((40, 32, 32, 3), np.uint8), y_train=np.arange(40) % 10,
             x_test=np.zeros((10, 32, 32, 3), np.uint8), y_test=np.arange(10))
    evaluator = TrainingEvaluator(NB201Space(channels=4, cells=1), RunContext(data_dir=str(tmp_path)),
                                  warmup_epochs=5, val_fraction=0.5)
    with pytest.raises(ConfigError) as exc:
        evaluator.check_new(1)
    one_line(str(exc.value), "warmup_epochs=5", "1 epoch(s)", "warmup_epochs=1 or fewer")
    evaluator.check_new(5)  # as long as the training: the learning rate peaks at its last step


def test_a_compile_mode_torch_lacks_or_without_compile_is_refused(tmp_path):
    """compile_mode=bogus failed inside torch's inductor after the run had begun ('unexpected RuntimeError', a
    traceback file), and compile_mode without compile=true was ignored; both are now one line, the first at
    construction, the second before a new run."""
    space, context = NB201Space(channels=4, cells=1), RunContext(data_dir=str(tmp_path))
    with pytest.raises(ConfigError) as exc:
        TrainingEvaluator(space, context, compile=True, compile_mode="bogus")
    one_line(str(exc.value), "compile_mode", "reduce-overhead", "'bogus'")
    with pytest.raises(ConfigError) as exc:
        TrainingEvaluator(space, context, compile_mode="max-autotune").check_new()
    one_line(str(exc.value), "compile_mode=max-autotune", "compile=true")
    assert TrainingEvaluator(space, context, compile=True, compile_mode="max-autotune").compile_mode == "max-autotune"


def test_an_image_folder_given_as_the_data_folder_is_named_as_such(tmp_path, isolated_cache):
    """--data-dir naming the image folder itself read "no 'imagenet' image folder in DIR; give the image_dir option",
    which did not say that DIR was the image folder; now it says so and both ways to give it."""
    write_image_folder(tmp_path / "photos")
    evaluator = TrainingEvaluator(NB201Space(channels=4, cells=1),
                                  RunContext(dataset="imagenet", data_dir=str(tmp_path / "photos")))
    with pytest.raises(DataError) as exc:
        evaluator.check(1)
    one_line(str(exc.value), "is itself an image folder", f"image_dir={tmp_path / 'photos'}", f"--data-dir {tmp_path}")
