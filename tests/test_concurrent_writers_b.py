"""Several processes writing one file at once: each writes a partial file of its own, and removes those that
processes killed outright left (a CIFAR-10 download per Ray worker into one folder; a trial's checkpoint, written
by a timed-out attempt that ray.kill stops in mid-save and by its retry).

The downloads come from a local HTTP server; no network is used.
"""
from __future__ import annotations

import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import torch
from torch import nn

from nasloop.engine.data import cifar
from nasloop.engine.evaluators.trainer import CHECKPOINT, TrainConfig, Trainer

from .test_partial_locks_b import held_lock

CHUNK = 1 << 20  # what the download loop reads at a time
PAYLOAD = bytes(range(256)) * (2 * CHUNK // 256)
DOWNLOAD = """import sys
from nasloop.engine.data import cifar
cifar.URL, cifar.MD5 = sys.argv[1], sys.argv[2]
print(cifar.locate_cifar10(sys.argv[3], source="full", download=True).path)
"""


def _partial_bytes(folder: Path) -> int:
    """The bytes in the folder's partial downloads, whatever their names."""
    total = 0
    for entry in os.scandir(folder):
        if entry.name.endswith(".part"):
            try:
                total += entry.stat().st_size
            except FileNotFoundError:  # renamed into place meanwhile
                pass
    return total


@pytest.fixture()
def archive_url(tmp_path) -> Iterator[str]:
    """A server of PAYLOAD that sends each download its first chunk, then waits (5 s at most) until two downloads
    hold theirs in partial files in ``tmp_path / 'data'``: both are mid-way before either ends."""
    folder = tmp_path / "data"
    folder.mkdir()

    class Archive(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD[:CHUNK])
            self.wfile.flush()
            waited_until = time.monotonic() + 5  # one shared partial file never holds two chunks
            while _partial_bytes(folder) < 2 * CHUNK and time.monotonic() < waited_until:
                time.sleep(0.01)
            self.wfile.write(PAYLOAD[CHUNK:])

        def log_message(self, *args: object) -> None:  # no request lines on stderr
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Archive)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{cifar.ARCHIVE}"
    server.shutdown()
    server.server_close()
    thread.join()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_two_processes_downloading_cifar10_into_one_folder_both_end_with_the_whole_archive(tmp_path, archive_url):
    """Both wrote into one shared cifar-10-python.tar.gz.part: the first to finish renamed it, and the second
    failed with a FileNotFoundError traceback."""
    folder, md5 = tmp_path / "data", hashlib.md5(PAYLOAD).hexdigest()
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("NASLOOP_DATA", None)
    downloads = [subprocess.Popen([sys.executable, "-c", DOWNLOAD, archive_url, md5, str(folder)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [download.communicate(timeout=60) for download in downloads]
    assert [download.returncode for download in downloads] == [0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == [str(folder / cifar.ARCHIVE)] * 2
    assert os.listdir(folder) == [cifar.ARCHIVE] and (folder / cifar.ARCHIVE).read_bytes() == PAYLOAD


def _leftovers(path: Path, suffix: str) -> dict[str, Path]:
    """Partial files for ``path`` of a dead process, a live one (whose lock is held: see ``held_lock``) and one on
    another machine (whose processes this one cannot see), each holding some bytes."""
    host = socket.gethostname()
    names = {"dead": f"{host}.{_dead_pid()}", "live": f"{host}.{os.getppid()}", "other machine": "elsewhere.1"}
    files = {what: path.with_name(f".{path.name}.{name}.{suffix}") for what, name in names.items()}
    for what, file in files.items():
        file.write_text(what)
    return files


@pytest.mark.usefixtures("isolated_cache")
def test_a_download_removes_only_the_partial_files_of_dead_processes(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    files = _leftovers(folder / cifar.ARCHIVE, "part")
    (folder / cifar.ARCHIVE).with_suffix(".source").write_bytes(PAYLOAD)
    monkeypatch.setattr(cifar, "URL", (folder / cifar.ARCHIVE).with_suffix(".source").as_uri())
    monkeypatch.setattr(cifar, "MD5", hashlib.md5(PAYLOAD).hexdigest())
    with held_lock(files["live"]):
        assert cifar.locate_cifar10(folder, source="full", download=True).path.read_bytes() == PAYLOAD
    assert not files["dead"].exists()
    assert files["live"].read_text() == "live" and files["other machine"].read_text() == "other machine"


@pytest.mark.usefixtures("one_torch_thread")
@pytest.mark.parametrize("trained_before", [False, True], ids=["fresh", "finished"])
def test_a_trainer_removes_the_checkpoint_partials_of_killed_processes_only(tmp_path, trained_before):
    """A trial killed by ray.kill while saving its checkpoint left .last.pt.PID.tmp beside it for good: no handler
    of its runs after that kill. A finished trial's retry saves nothing, and removes them all the same."""
    rng = np.random.default_rng(0)
    split = rng.integers(0, 256, (8, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 8).astype(np.int64)
    trainer = Trainer(TrainConfig(epochs=1, batch_size=8), device="cpu")

    def train() -> None:
        torch.manual_seed(0)
        trainer.fit(nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10)), split, None, None, tmp_path)

    if trained_before:
        train()
    files = _leftovers(tmp_path / CHECKPOINT, "tmp")
    with held_lock(files["live"]):
        train()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([CHECKPOINT, files["live"].name,
                                                                  files["other machine"].name])
    assert files["live"].read_text() == "live" and files["other machine"].read_text() == "other machine"


def test_a_partial_file_naming_no_possible_process_is_removed_as_a_dead_ones(tmp_path):
    """A hand-made name whose process id no process reaches made os.kill raise OverflowError mid-cleanup."""
    from nasloop.engine.replaced_files import remove_dead_partials

    target = tmp_path / "last.pt"
    impossible = tmp_path / f".last.pt.{socket.gethostname()}.{2**40}.tmp"
    impossible.write_bytes(b"half")
    remove_dead_partials(target, "tmp")
    assert not impossible.exists()
