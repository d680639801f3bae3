"""CIFAR-10 as uint8 arrays, from the official python batches or nasloop's class-balanced subset.

Two sources, one result: ``(images, labels)`` with images uint8 NHWC ``(N, 32, 32, 3)`` RGB and
labels int64 in 0..9. The full dataset is the official ``cifar-10-batches-py`` folder (or the
``cifar-10-python.tar.gz`` it comes in, read without unpacking); the subset is
``cifar10_subset.npz`` (5,230 train + 870 test images), small enough for tests and quick CPU runs.
Under ``source="auto"`` the full dataset wins when present, because results on the subset are only
indicative. Arrays are cached per process (read-only, so no caller can corrupt the cache), which
keeps repeated evaluations in one worker from re-reading 180 MB.

The batches are Python pickles; they are read with the plain-data unpickler of ``safe_pickle``,
so a tampered file cannot run code.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tarfile
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError, MissingDataError
from ..replaced_files import replaced_by_this_process
from ..user_dirs import expand_user, no_home
from .paths import (FileVersion, check_data_dir, data_file, file_version, first_data_file, none_searched, search_dirs,
                    user_cache_dir)
from .safe_pickle import loads_pickle
from .sniff import GuardedGzip, refuse_inflated_members

log = logging.getLogger(__name__)

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
MD5 = "c58f30108f718f92721af3b95e74a88e"
FOLDER = "cifar-10-batches-py"
ARCHIVE = "cifar-10-python.tar.gz"
SUBSET = "cifar10_subset.npz"
SOURCES = ("auto", "full", "subset")
SPLITS = ("train", "test")
NUM_CLASSES = 10
IMAGE_SHAPE = (32, 32, 3)
ROW = 32 * 32 * 3  # one image of a python batch: 1024 red, then green, then blue bytes
_BATCHES = {"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)}

HOW_TO_GET = (f"put the official '{FOLDER}' folder or '{ARCHIVE}' ({URL}) in --data-dir, $NASLOOP_DATA "
              f"or {user_cache_dir() or '$XDG_CACHE_HOME/nasloop'}, or use the subset '{SUBSET}'")
"""How to get CIFAR-10, in words true of every command that reads it. Only the train evaluator downloads: it adds
its option (:data:`DOWNLOAD_HINT`), where these words named '--evaluator-opt download=true' to the proxy evaluator,
which refuses it, and to 'nasloop proxies', which has no such flag."""
DOWNLOAD_HINT = ("or pass download=true to fetch it (--evaluator-opt download=true in a search, --train-opt "
                 "download=true in nasloop train)")


@dataclass(frozen=True)
class CifarSource:
    """Which CIFAR-10 copy a load used: ``kind`` is "full" or "subset", ``path`` the file or folder."""

    kind: str
    path: Path

    @property
    def name(self) -> str:
        """The copy in words without its place: a run's data identity (a data folder that moved is the same)."""
        return "full CIFAR-10" if self.kind == "full" else "class-balanced CIFAR-10 subset"

    def describe(self) -> str:
        return f"{self.name} from {self.path}"


def locate_cifar10(data_dir: str | os.PathLike | None = None, source: str = "auto",
                   download: bool = False) -> CifarSource:
    """Find the CIFAR-10 copy ``source`` asks for, downloading the full one if asked and absent.

    Raises one-line DataError/ConfigError naming what is missing and how to get it.
    """
    if source not in SOURCES:
        raise ConfigError(f"unknown CIFAR-10 source '{source}'; choose one of {', '.join(SOURCES)}")
    check_data_dir(data_dir)
    dirs = search_dirs(data_dir)
    if source in ("auto", "full"):
        full = _find_full(dirs)
        if full is None and download:
            full = _download(expand_user(data_dir) if data_dir else _download_folder())
        if full is not None:
            return CifarSource("full", full)
    if source in ("auto", "subset"):
        subset = first_data_file((SUBSET,), data_dir)
        if subset is not None:
            return CifarSource("subset", subset)
    looked = ", ".join(str(d) for d in dirs) or none_searched()
    wanted = {"auto": f"'{FOLDER}', '{ARCHIVE}' or '{SUBSET}'", "full": f"'{FOLDER}' or '{ARCHIVE}'",
              "subset": f"'{SUBSET}'"}[source]
    # missing, not unreadable: a script with its own flags (examples/cifar10_nas.py: --download) tells them apart
    raise MissingDataError(f"CIFAR-10 not found: no {wanted} in {looked}; {HOW_TO_GET}")


def load_cifar10(data_dir: str | os.PathLike | None = None, split: str = "train", source: str = "auto",
                 download: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """CIFAR-10 ``split`` ("train" or "test") as read-only ``(uint8 NHWC images, int64 labels)``."""
    if split not in SPLITS:
        raise ConfigError(f"unknown CIFAR-10 split '{split}'; choose 'train' or 'test'")
    where = locate_cifar10(data_dir, source, download)
    log.info("CIFAR-10 %s: %s", split, where.describe())
    return _load_cached(where.kind, str(where.path), file_version(where.path), split)


_CACHE: dict[tuple[str, str, FileVersion, str], tuple[np.ndarray, np.ndarray]] = {}


def _load_cached(kind: str, path: str, version: FileVersion, split: str) -> tuple[np.ndarray, np.ndarray]:
    """The split's arrays, read once per process and file version (:func:`.paths.file_version`): a replaced file
    is read again."""
    key = (kind, path, version, split)
    if key not in _CACHE:
        loader = _read_subset if kind == "subset" else _read_full
        images, labels = loader(Path(path), split)
        images.setflags(write=False)
        labels.setflags(write=False)
        _CACHE[key] = (images, labels)
    return _CACHE[key]


def _find_full(dirs: list[Path]) -> Path | None:
    for folder in dirs:
        if (folder / FOLDER).is_dir():
            return folder / FOLDER
        archive = data_file(folder, ARCHIVE)
        if archive is not None:
            return archive
    return None


# --- the subset ------------------------------------------------------------------------------
def _read_subset(path: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    fix = f"replace it with a fresh copy of {SUBSET}"
    names = (f"x_{split}", f"y_{split}")
    try:
        # Open the file ourselves: np.load leaks its handle when the archive is unreadable.
        refuse_inflated_members(path)
        with open(path, "rb") as handle:
            loaded = np.load(handle, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):  # np.save's one array: "unexpected TypeError" in `with`
                raise DataError(f"{path} holds one array of shape {loaded.shape} (np.save's .npy format), not the "
                                f"arrays of an .npz archive; it is not nasloop's CIFAR-10 subset: {fix}")
            with loaded as npz:
                missing = [name for name in names if name not in npz.files]  # it named both where one was missing
                if missing:
                    lacks = f"arrays {missing[0]} and {missing[1]}" if len(missing) > 1 else f"array {missing[0]}"
                    raise DataError(f"{path} has no {lacks}; it is not nasloop's CIFAR-10 subset: {fix}")
                images, labels = npz[names[0]], npz[names[1]]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{path} is corrupt or truncated ({type(exc).__name__}: {exc}); {fix}") from None
    return _checked(images, labels, path, split, fix)


# --- the official python batches -------------------------------------------------------------
def _unpickle_batch(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    fix = f"replace it with a fresh copy from {URL}"
    try:
        batch = loads_pickle(raw, where, encoding="bytes")  # plain data only: a hostile batch runs no code
        data, labels = batch[b"data"], batch[b"labels"]
        values = np.asarray(data)
        if not np.issubdtype(values.dtype, np.integer):  # a float would be cut to a byte unseen
            raise ValueError(f"its pixels are {values.dtype}, not bytes 0-255")
        if values.size and not 0 <= values.min() <= values.max() <= 255:  # numpy raised OverflowError
            raise ValueError(f"its pixels run from {values.min()} to {values.max()}, not bytes 0-255")
        if values.ndim != 2 or values.shape[1] != ROW:  # an (N, 32, 32, 3) array reshaped into scrambled images
            raise ValueError(f"its data has shape {values.shape}, not (N, {ROW}) rows of R, G and B planes")
        images = values.astype(np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        labels = np.asarray(labels)
        if labels.shape != (len(images),):  # named the folder, not this file, once the batches were joined
            raise ValueError(f"it holds {labels.shape} labels for {len(images)} images")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise DataError(f"{where} is not a readable CIFAR-10 batch ({type(exc).__name__}: {exc}); {fix}") from None
    return np.ascontiguousarray(images), labels


def _read_full(path: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    if path.is_dir():
        for name in _BATCHES[split]:
            file = path / name
            if not file.is_file():
                raise DataError(f"{file} is missing; the '{FOLDER}' folder is incomplete: "
                                f"replace it with a fresh copy from {URL}")
            parts.append(_unpickle_batch(file.read_bytes(), str(file)))
    else:
        parts = _read_archive(path, split)
    images = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    return _checked(images, labels, path, split, f"replace it with a fresh copy from {URL}")


def _read_archive(path: Path, split: str) -> list[tuple[np.ndarray, np.ndarray]]:
    wanted = {f"{FOLDER}/{name}": name for name in _BATCHES[split]}
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    try:
        with GuardedGzip(path) as unzipped, tarfile.open(fileobj=unzipped, mode="r:") as tar:  # bombs refused
            for member in tar:
                if member.name in wanted and member.isfile():
                    raw = tar.extractfile(member).read()
                    found[member.name] = _unpickle_batch(raw, f"{path}:{member.name}")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path} is corrupt or truncated ({type(exc).__name__}: {exc}); "
                        f"delete it and download it again from {URL}") from None
    missing = [name for name in wanted if name not in found]
    if missing:
        raise DataError(f"{path} lacks {', '.join(missing)}; it is not the official CIFAR-10 archive: "
                        f"delete it and download it again from {URL}")
    return [found[name] for name in wanted]


def _checked(images: np.ndarray, labels: np.ndarray, path: Path, split: str, fix: str
             ) -> tuple[np.ndarray, np.ndarray]:
    """Shapes, dtypes and label range, so a wrong file fails here and not deep inside training."""
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE or images.dtype != np.uint8:
        raise DataError(f"{path} holds images of shape {images.shape} and dtype {images.dtype}, "
                        f"expected (N, 32, 32, 3) uint8; {fix}")
    if labels.ndim != 1 or len(labels) != len(images) or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{path} holds {labels.shape} {labels.dtype} labels for {len(images)} images; {fix}")
    if not len(images):  # training on it advised 'train_images=500 exceeds the 0 images; give 0 or fewer'
        raise DataError(f"{path} holds no {split} images; {fix}")
    if len(labels) and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise DataError(f"{path} has labels outside 0..9; {fix}")
    return images, labels.astype(np.int64)


# --- download --------------------------------------------------------------------------------
def _download_folder() -> Path:
    """Where a download without a data folder goes: the user cache folder, or one line where this process has none
    (no home: it went into ./~/.cache/nasloop)."""
    cache = user_cache_dir()
    if cache is None:
        raise ConfigError(f"nowhere to download CIFAR-10 to: {no_home()}; pass a data folder (--data-dir), or set "
                          "HOME")
    return cache


def _download(target_dir: Path) -> Path:
    """Fetch the official archive into ``target_dir``, verify its md5, and move it into place atomically. The
    ``.part`` file is removed on any failure: a Ctrl-C in mid-download left it behind. It is this process's own:
    two processes (Ray workers) downloading into one folder at once wrote into one shared ``.part`` file, and the
    second to finish failed with FileNotFoundError when the first had renamed it."""
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / ARCHIVE
    digest = hashlib.md5()
    log.info("downloading %s to %s", URL, final)
    with replaced_by_this_process(final, "part", re.escape(ARCHIVE + ".part")) as partial:  # the old shared name
        try:
            with urllib.request.urlopen(URL, timeout=30) as response, open(partial, "wb") as out:
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DataError(f"could not download CIFAR-10 from {URL} ({reason}); offline? "
                            f"fetch it on a connected machine and put '{ARCHIVE}' in {target_dir}") from None
        if digest.hexdigest() != MD5:
            raise DataError(f"the download from {URL} has md5 {digest.hexdigest()}, expected {MD5}; "
                            "try again, or fetch the file by hand")
    return final
