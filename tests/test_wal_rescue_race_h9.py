"""Two rescuers of one 0-byte store at once (two 'show's of a run killed before its first checkpoint): they wrote
one shared partial file, so one could truncate the other's between its check and its rename. The second now waits
for the first's lock on the store, finds the store the first rebuilt, and leaves it and the folder as they are."""
from __future__ import annotations

import fcntl
import multiprocessing
import os
import time
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.store_wal_rescue import committed_image

from .test_store_wal_rescue_d9 import _killed_store


def _show(run: Path) -> None:
    """A second reader of the run, in a process of its own."""
    raise SystemExit(main(["show", str(run)]))


def _waited_for(path: Path) -> bool:
    """Whether a process waits for a lock on ``path`` (Linux lists each waiter in /proc/locks with '->')."""
    inode = f":{path.stat().st_ino} "
    return any("->" in line and inode in line for line in Path("/proc/locks").read_text().splitlines())


def test_a_second_rescuer_waits_for_the_first_and_keeps_its_store(tmp_path: Path, data_dir: Path) -> None:
    _, killed = _killed_store(tmp_path, data_dir)
    store, log = killed / "nasloop.sqlite", killed / "nasloop.sqlite-wal"
    image = committed_image(log.read_bytes())
    assert image
    with open(store, "rb") as first:  # the first rescuer, holding the empty store while it writes the run back
        fcntl.flock(first.fileno(), fcntl.LOCK_EX)
        second = multiprocessing.get_context("spawn").Process(target=_show, args=(killed,))
        second.start()
        deadline = time.monotonic() + 60
        while second.is_alive() and not _waited_for(store) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert second.is_alive() and store.stat().st_size == 0  # it waits, writing nothing
        rebuilt = killed / "rebuilt"
        rebuilt.write_bytes(image)
        os.replace(rebuilt, store)  # the first's rename, then its log set aside
        os.replace(log, killed / "nasloop.sqlite-wal.before-rescue")
        kept = store.stat().st_ino
    second.join(60)
    assert second.exitcode == 0
    assert store.stat().st_ino == kept  # the first's store, not replaced by the second's copy
    assert not [name for name in os.listdir(killed) if "rescue" in name and not name.endswith(".before-rescue")]
