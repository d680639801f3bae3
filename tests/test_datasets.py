"""CIFAR-10 and image-folder loading from real images, and one-line errors for bad or corrupt data."""
from __future__ import annotations

import pickle
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nasloop.engine.data.cifar import ARCHIVE, FOLDER, SUBSET, load_cifar10, locate_cifar10
from nasloop.engine.data.imagenet import ImageFolder
from nasloop.engine.errors import ConfigError, DataError


def one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


@pytest.fixture(scope="module")
def subset(data_dir: Path) -> dict[str, np.ndarray]:
    x_train, y_train = load_cifar10(data_dir, "train", source="subset")
    x_test, y_test = load_cifar10(data_dir, "test", source="subset")
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def write_official_batches(folder: Path, subset: dict[str, np.ndarray]) -> None:
    """The real subset images in the official cifar-10-batches-py format (CHW rows, bytes keys)."""
    folder.mkdir(parents=True)
    parts = np.array_split(np.arange(len(subset["y_train"])), 5)
    named = [(f"data_batch_{i + 1}", subset["x_train"][p], subset["y_train"][p]) for i, p in enumerate(parts)]
    named.append(("test_batch", subset["x_test"], subset["y_test"]))
    for name, images, labels in named:
        batch = {b"batch_label": name.encode(), b"labels": [int(v) for v in labels],
                 b"data": images.transpose(0, 3, 1, 2).reshape(len(images), -1).copy(),
                 b"filenames": [f"{i}.png".encode() for i in range(len(images))]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))


def test_subset_is_class_balanced_uint8_nhwc_and_cached(data_dir, subset):
    x, y = subset["x_train"], subset["y_train"]
    assert x.shape == (5230, 32, 32, 3) and x.dtype == np.uint8
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [523] * 10
    assert subset["x_test"].shape == (870, 32, 32, 3) and np.bincount(subset["y_test"]).tolist() == [87] * 10
    # CIFAR-10's published per-channel means (the README checked 0.494/0.485/0.448 on this pool)
    assert np.allclose(x.reshape(-1, 3).mean(0) / 255, [0.49, 0.48, 0.45], atol=0.02)
    again, _ = load_cifar10(data_dir, "train", source="subset")
    assert again is x and not x.flags.writeable  # per-process cache, protected from callers
    assert locate_cifar10(data_dir).kind == "subset"  # no full copy in the shared data folder


def test_official_folder_and_archive_load_the_same_images(tmp_path, subset):
    write_official_batches(tmp_path / "d" / FOLDER, subset)
    where = locate_cifar10(tmp_path / "d")
    assert where.kind == "full" and where.path.name == FOLDER  # auto prefers the full dataset
    x, y = load_cifar10(tmp_path / "d", "train")
    assert np.array_equal(x, subset["x_train"]) and np.array_equal(y, subset["y_train"])
    xt, yt = load_cifar10(tmp_path / "d", "test", source="full")
    assert np.array_equal(xt, subset["x_test"]) and np.array_equal(yt, subset["y_test"])

    (tmp_path / "a").mkdir()
    with tarfile.open(tmp_path / "a" / ARCHIVE, "w:gz") as tar:
        tar.add(tmp_path / "d" / FOLDER, arcname=FOLDER)
    xa, ya = load_cifar10(tmp_path / "a", "train", source="full")
    assert np.array_equal(xa, subset["x_train"]) and np.array_equal(ya, subset["y_train"])


def test_missing_cifar_is_one_line_naming_the_files_and_the_fix(tmp_path):
    with pytest.raises(DataError) as exc:
        load_cifar10(tmp_path, source="full")
    message = one_line(exc)
    assert FOLDER in message and "cs.toronto.edu" in message and str(tmp_path) in message
    with pytest.raises(DataError) as exc:
        load_cifar10(tmp_path / "nope")
    assert "does not exist" in one_line(exc)
    with pytest.raises(ConfigError):
        load_cifar10(tmp_path, split="validation")
    with pytest.raises(ConfigError):
        load_cifar10(tmp_path, source="imagenet")


def test_corrupt_cifar_files_are_one_line_errors(tmp_path, data_dir, subset):
    truncated = tmp_path / "trunc"
    truncated.mkdir()
    raw = (data_dir / SUBSET).read_bytes()
    (truncated / SUBSET).write_bytes(raw[:len(raw) // 2])
    with pytest.raises(DataError) as exc:
        load_cifar10(truncated, source="subset")
    assert str(truncated / SUBSET) in one_line(exc)

    wrong = tmp_path / "wrong"
    wrong.mkdir()
    np.savez(wrong / SUBSET, x_train=subset["x_train"].transpose(0, 3, 1, 2), y_train=subset["y_train"],
             x_test=subset["x_test"], y_test=subset["y_test"])
    with pytest.raises(DataError) as exc:
        load_cifar10(wrong, source="subset")
    assert "(N, 32, 32, 3)" in one_line(exc)

    garbage = tmp_path / "garbage"
    write_official_batches(garbage / FOLDER, subset)
    (garbage / FOLDER / "data_batch_3").write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(DataError) as exc:
        load_cifar10(garbage, source="full")
    assert "data_batch_3" in one_line(exc)

    hostile = tmp_path / "hostile"
    write_official_batches(hostile / FOLDER, subset)
    (hostile / FOLDER / "test_batch").write_bytes(pickle.dumps(print))  # would call code if trusted
    with pytest.raises(DataError) as exc:
        load_cifar10(hostile, "test", source="full")
    assert "test_batch" in one_line(exc)

    for name, pixels, said in (("over", [[300] * 3072], "its pixels run from 300 to 300, not bytes 0-255"),
                               ("float", [[0.5] * 3072], "its pixels are float64, not bytes 0-255")):
        folder = tmp_path / name  # numpy's OverflowError escaped; a float was cut to a byte without a word
        write_official_batches(folder / FOLDER, subset)
        (folder / FOLDER / "test_batch").write_bytes(pickle.dumps({b"data": pixels, b"labels": [0]}, protocol=2))
        with pytest.raises(DataError) as exc:
            load_cifar10(folder, "test", source="full")
        assert "test_batch is not a readable CIFAR-10 batch" in one_line(exc) and said in str(exc.value)


def write_image_folder(root: Path, subset: dict[str, np.ndarray], per_class: int = 6) -> dict[str, list[int]]:
    """A tiny ImageNet-style folder of real CIFAR test images saved as PNG; returns indices per split."""
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    used: dict[str, list[int]] = {"train": [], "val": []}
    for label, name in enumerate(names):
        members = np.flatnonzero(subset["y_test"] == label)
        for split, chosen in (("train", members[:per_class]), ("val", members[per_class:per_class + 2])):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in chosen:
                Image.fromarray(subset["x_test"][i]).save(folder / f"img{i:04d}.png")
                used[split].append(int(i))
    return used


def test_image_folder_decodes_real_images_with_sorted_class_indices(tmp_path, subset):
    used = write_image_folder(tmp_path, subset)
    folder = ImageFolder(tmp_path, "train", resolution=32)
    assert folder.classes == sorted(folder.classes) and folder.num_classes == 10
    images, labels = folder.load_arrays()
    index = [int(Path(f).stem[3:]) for f in folder.files]
    assert sorted(index) == sorted(used["train"])
    assert np.array_equal(images, subset["x_test"][index])  # PNG is lossless, 32 -> 32 is the identity
    assert np.array_equal(labels, subset["y_test"][index])  # class names sort in CIFAR's label order

    small = ImageFolder(tmp_path, "val", resolution=16)
    x16, y16 = small.load_arrays()
    assert x16.shape == (20, 16, 16, 3) and x16.dtype == np.uint8
    assert abs(float(x16.mean()) - float(subset["x_test"][used["val"]].mean())) < 3  # a resize, not noise
    assert np.array_equal(y16, subset["y_test"][[int(Path(f).stem[3:]) for f in small.files]])

    streamed = list(folder.batches(16, shuffle=False, seed=0, drop_last=False))
    assert np.array_equal(np.concatenate([b[0].numpy() for b in streamed]), images)
    shuffled = list(folder.batches(16, shuffle=True, seed=1, drop_last=True))
    assert len(shuffled) == len(folder) // 16  # 60 images: 3 full batches, the rest dropped
    drawn = np.concatenate([b[0].numpy() for b in shuffled])
    rows = {im.tobytes(): i for i, im in enumerate(images)}
    order = [rows[im.tobytes()] for im in drawn]
    assert len(set(order)) == 48 and order != sorted(order)


def test_image_folder_errors_are_one_line(tmp_path, subset):
    with pytest.raises(DataError) as exc:
        ImageFolder(tmp_path / "missing")
    assert "does not exist" in one_line(exc)

    write_image_folder(tmp_path / "ok", subset, per_class=2)
    bad = next((tmp_path / "ok" / "train" / "cat").iterdir())
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    folder = ImageFolder(tmp_path / "ok", "train", resolution=32)
    with pytest.raises(DataError) as exc:
        folder.load_arrays()
    assert str(bad) in one_line(exc)

    write_image_folder(tmp_path / "empty", subset, per_class=2)
    (tmp_path / "empty" / "train" / "zebra").mkdir()
    with pytest.raises(DataError) as exc:
        ImageFolder(tmp_path / "empty", "train")
    assert "zebra" in one_line(exc) and "no images" in str(exc.value)

    write_image_folder(tmp_path / "extra", subset, per_class=2)
    (tmp_path / "extra" / "val" / "unicorn").mkdir()
    with pytest.raises(DataError) as exc:
        ImageFolder(tmp_path / "extra", "val")
    assert "unicorn" in one_line(exc)
