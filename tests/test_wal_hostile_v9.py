"""A write-ahead log whose frames chain valid checksums over pages that are no database (made or edited by anything
but SQLite) is refused in one line and leaves the 0-byte store and the log as they were: its pages were written into
the store and the log set aside, leaving a 'malformed' store and advice to restore it from a backup. So is the log of
another program's database, which was written into the file and then refused as one 'nasloop leaves untouched'."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import struct
from pathlib import Path
from typing import Callable

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store_wal_rescue import _checksum

from .messages import one_line
from .test_store_wal_rescue_d9 import _killed_store


def _forged(log: bytes, edit: Callable[[int, bytearray], None]) -> bytes:
    """``log`` with ``edit(frame index, page)`` applied to each frame's page and every checksum chained again, as a
    log's maker can: the checks of the log's format all pass."""
    out = bytearray(log)
    magic, _, page_size = struct.unpack(">3I", out[:12])
    big_endian = magic & 1 == 1
    running = _checksum(bytes(out[:24]), big_endian, (0, 0))
    out[24:32] = struct.pack(">2I", *running)
    offset, index = 32, 0
    while offset + 24 + page_size <= len(out):
        page = bytearray(out[offset + 24:offset + 24 + page_size])
        edit(index, page)
        out[offset + 24:offset + 24 + page_size] = page
        running = _checksum(bytes(page), big_endian, _checksum(bytes(out[offset:offset + 8]), big_endian, running))
        out[offset + 16:offset + 24] = struct.pack(">2I", *running)
        offset, index = offset + 24 + page_size, index + 1
    return bytes(out)


def _zero_first_page(index: int, page: bytearray) -> None:
    if index == 0:
        page[:] = bytes(len(page))


def _scramble_second_page(index: int, page: bytearray) -> None:
    if index == 1:
        page[:] = bytes((i * 167 + 13) % 256 for i in range(len(page)))


@pytest.mark.parametrize("edit, problem", [(_zero_first_page, "file is not a database"),
                                           (_scramble_second_page, "Page 2: free space corruption")])
def test_a_forged_log_is_refused_and_nothing_is_written(tmp_path: Path, data_dir: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        edit: Callable[[int, bytearray], None], problem: str) -> None:
    _, killed = _killed_store(tmp_path, data_dir)
    log = killed / "nasloop.sqlite-wal"
    forged = _forged(log.read_bytes(), edit)
    log.write_bytes(forged)
    capsys.readouterr()
    for _ in range(2):  # refused alike the second time: nothing was changed by the first
        assert main(["show", str(killed)]) == 2
        error = one_line(capsys.readouterr().err.strip())
        assert "is empty (0 bytes) and the pages its write-ahead log nasloop.sqlite-wal commits are no sound" in error
        assert problem in error and f"start the search again with --run-dir {killed}" in error
    assert (killed / "nasloop.sqlite").read_bytes() == b"" and log.read_bytes() == forged
    assert sorted(p.name for p in killed.iterdir()) == ["nasloop.sqlite", "nasloop.sqlite-wal"]


def test_an_unedited_log_passes_the_forger_and_is_read(tmp_path: Path, data_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The forger changes nothing by itself: the refusals above are of the edited pages."""
    _, killed = _killed_store(tmp_path, data_dir)
    log = killed / "nasloop.sqlite-wal"
    log.write_bytes(_forged(log.read_bytes(), lambda index, page: None))
    assert main(["show", str(killed), "--json"]) == 0


def _foreign_then_kill(path: Path) -> None:
    """Another program's database at ``path``, in WAL mode with no checkpoint, then SIGKILL: its pages in the log."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO photos VALUES (1, 'cat')")
    os.kill(os.getpid(), signal.SIGKILL)


def test_another_programs_log_is_left_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "nasloop.sqlite"
    child = multiprocessing.get_context("spawn").Process(target=_foreign_then_kill, args=(store,))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    store.write_bytes(b"")
    (tmp_path / "nasloop.sqlite-shm").unlink(missing_ok=True)
    log = (tmp_path / "nasloop.sqlite-wal").read_bytes()
    assert log
    assert main(["show", str(tmp_path)]) == 2
    error = one_line(capsys.readouterr().err.strip())
    assert "commits are an SQLite database but not a nasloop store (its tables: photos)" in error
    assert "nasloop leaves both untouched" in error
    assert store.read_bytes() == b"" and (tmp_path / "nasloop.sqlite-wal").read_bytes() == log
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nasloop.sqlite", "nasloop.sqlite-wal"]
