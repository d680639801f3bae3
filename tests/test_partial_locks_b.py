"""A partial file is live while its writer holds its lock, whatever process id its name holds.

Its name's process id was the test: two processes of one host name in separate PID namespaces (containers on the
host network sharing a data folder) took each other's live partial files for dead ones and removed them (the rename
then failed), or wrote into one file when their process ids were equal; a dead writer's partial stayed for good
while its process id was reused. Partial files of older nasloop versions (no host in their names) stayed for good.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import torch
from torch import nn

from nasloop.engine.data import cifar
from nasloop.engine.evaluators.trainer import CHECKPOINT, TrainConfig, Trainer
from nasloop.engine.replaced_files import remove_dead_partials, replaced_by_this_process

WRITER = """import os, sys
from pathlib import Path
from nasloop.engine.replaced_files import replaced_by_this_process
os.getpid = lambda: int(sys.argv[2])  # its process id as its own PID namespace numbers it
with replaced_by_this_process(Path(sys.argv[1]), "tmp") as partial:
    partial.write_text("the other's")
    print(partial, flush=True)
    sys.stdin.read()
"""
HOLDER = """import fcntl, os, sys
fcntl.flock(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT), fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@contextlib.contextmanager
def writing(target: Path, pid: int) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Another process amid ``replaced_by_this_process(target)``, numbered ``pid`` in its PID namespace, and its
    partial file; it renames that into place when the block ends."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(pid)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield writer, Path(writer.stdout.readline().strip())
    finally:
        writer.communicate(timeout=30)


@contextlib.contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """Another process holding the lock of ``path`` until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.communicate(timeout=30)


def test_a_live_writer_whose_process_id_is_dead_here_keeps_its_partial_file(tmp_path):
    target = tmp_path / "last.pt"
    with writing(target, _dead_pid()) as (writer, partial):
        remove_dead_partials(target, "tmp")
        with replaced_by_this_process(target, "tmp") as own:
            own.write_text("ours")
        assert partial.read_text() == "the other's"
    assert writer.returncode == 0, writer.stderr.read()
    assert target.read_text() == "the other's" and os.listdir(tmp_path) == ["last.pt"]


def test_two_live_writers_of_one_host_name_and_process_id_write_files_of_their_own(tmp_path):
    """Each process numbered 1 in its container: both wrote into one file and the second rename failed."""
    target = tmp_path / "last.pt"
    with writing(target, os.getpid()) as (writer, partial):
        with replaced_by_this_process(target, "tmp") as own:
            own.write_text("ours")
            assert own != partial and partial.read_text() == "the other's"
        assert target.read_text() == "ours"
    assert writer.returncode == 0, writer.stderr.read()
    assert target.read_text() == "the other's" and os.listdir(tmp_path) == ["last.pt"]


def test_a_killed_writers_partial_file_is_removed_though_a_live_process_has_its_process_id(tmp_path):
    target = tmp_path / "last.pt"
    with writing(target, os.getppid()) as (writer, partial):
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert partial.read_text() == "the other's"
        remove_dead_partials(target, "tmp")
        assert not partial.exists()


def _older(folder: Path) -> dict[str, Path]:
    """Partial files nasloop wrote before their names held a host: a trainer's, the shared download's, and one of
    each kind kept locked by a live process."""
    files = {"checkpoint": folder / f".{CHECKPOINT}.{_dead_pid()}.tmp", "download": folder / f"{cifar.ARCHIVE}.part",
             "locked checkpoint": folder / f".{CHECKPOINT}.{os.getppid()}.tmp",
             "other machine": folder / f".{CHECKPOINT}.elsewhere.{_dead_pid()}.tmp",
             "not a partial": folder / f".{CHECKPOINT}.{socket.gethostname()}.notes.tmp"}
    for what, file in files.items():
        file.write_text(what)
    return files


@pytest.mark.usefixtures("one_torch_thread")
def test_a_trainer_removes_the_partial_checkpoints_of_older_versions(tmp_path):
    files = _older(tmp_path)
    rng = np.random.default_rng(0)
    split = rng.integers(0, 256, (8, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 8).astype(np.int64)
    with held_lock(files["locked checkpoint"]):
        Trainer(TrainConfig(epochs=1, batch_size=8), device="cpu").fit(
            nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10)), split, None, None, tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted([CHECKPOINT, *(files[what].name for what in (
        "download", "locked checkpoint", "other machine", "not a partial"))])
    assert isinstance(torch.load(tmp_path / CHECKPOINT, weights_only=True)["epoch"], int)


@pytest.mark.usefixtures("isolated_cache")
def test_a_download_removes_the_shared_partial_file_of_older_versions(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    files = _older(folder)
    source = tmp_path / "source.tar.gz"
    source.write_bytes(b"archive")
    monkeypatch.setattr(cifar, "URL", source.as_uri())
    monkeypatch.setattr(cifar, "MD5", hashlib.md5(b"archive").hexdigest())
    assert cifar.locate_cifar10(folder, source="full", download=True).path.read_bytes() == b"archive"
    assert sorted(os.listdir(folder)) == sorted([cifar.ARCHIVE, *(files[what].name for what in (
        "checkpoint", "locked checkpoint", "other machine", "not a partial"))])
