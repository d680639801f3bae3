"""A store whose file is 0 bytes beside a write-ahead log that holds its committed pages, rebuilt from that log.

A store's pages reach its file at a checkpoint; until then the committed ones live in ``nasloop.sqlite-wal``. A run
killed at its very start, or a file copied or restored before its first checkpoint, can leave the file 0 bytes
beside a log holding the whole run. nasloop refused it as 'empty (0 bytes)', and SQLite cannot read it either: on
opening a 0-byte database it deletes the log beside it, read-only opens included (checked with SQLite 3.40), so the
run is lost to the first open. The log's format is SQLite's documented one (https://sqlite.org/fileformat.html,
section 4): its frames whose checksums chain from its header, up to its last commit, are the pages a checkpoint
would have written, and those pages are the store, once SQLite reads them as a sound database (checksums a log's
maker computes say nothing of that). A log with no such commit holds no run.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import struct
from pathlib import Path
from typing import Iterator

from .errors import DataError, one_line
from .replaced_files import NO_LOCKS, replaced_by_this_process, same_file
from .run_lock import is_being_searched
from .store_empty import STORE_TABLES, holds_no_run, no_run

_MAGIC = (0x377F0682, 0x377F0683)
"""The log's first word: its checksums read words little-endian (…82) or big-endian (…83)."""
_HEADER, _FRAME_HEADER = 32, 24
RESCUED = ".before-rescue"
"""The suffix the log is kept under once its pages are in the store: nothing the user had is deleted."""


def _checksum(data: bytes, big_endian: bool, start: tuple[int, int]) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` (a multiple of 8 bytes), continued from ``start``."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    s0, s1 = start
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def committed_image(log: bytes) -> bytes | None:
    """The database the log's last commit leaves, page by page; None where the log holds no commit, or lacks a page
    that commit's database has (it would be in the file, which is empty)."""
    if len(log) < _HEADER:
        return None
    magic, _, page_size, _, salt1, salt2, sum1, sum2 = struct.unpack(">8I", log[:_HEADER])
    big_endian = magic == _MAGIC[1]
    if magic not in _MAGIC or page_size < 512 or page_size & (page_size - 1):
        return None
    running = _checksum(log[:_HEADER - 8], big_endian, (0, 0))
    if running != (sum1, sum2):
        return None
    frames: list[tuple[int, bytes]] = []
    size = committed_frames = 0
    offset = _HEADER
    while offset + _FRAME_HEADER + page_size <= len(log):
        number, commit, frame_salt1, frame_salt2, sum1, sum2 = struct.unpack(">6I", log[offset:offset + 24])
        page = log[offset + _FRAME_HEADER:offset + _FRAME_HEADER + page_size]
        running = _checksum(page, big_endian, _checksum(log[offset:offset + 8], big_endian, running))
        if (frame_salt1, frame_salt2) != (salt1, salt2) or running != (sum1, sum2):
            break  # a frame of an older log, or one torn by the kill: the log ends here
        frames.append((number, page))
        if commit:  # the pages as of this commit: a copy of them at each commit took time quadratic in the log
            committed_frames, size = len(frames), commit
        offset += _FRAME_HEADER + page_size
    committed = dict(frames[:committed_frames])  # a page's last frame up to the last commit
    if not size or any(number not in committed for number in range(1, size + 1)):
        return None
    return b"".join(committed[number] for number in range(1, size + 1))


def rescue_or_refuse(path: Path, restore: str) -> None:
    """The 0-byte store at ``path`` rebuilt from its write-ahead log where that holds a run, else a one-line refusal:
    ``no_run``'s where the store provably holds none, else one that ends in ``restore``, the advice for a damaged
    store. A search writing the folder is left alone (its store is not 0 bytes: something else is amiss)."""
    if holds_no_run(path):
        raise no_run(path)
    if not path.with_name(path.name + "-wal").is_file() or is_being_searched(path.parent):
        raise DataError(f"{path} is empty (0 bytes), so not a nasloop store; {restore}")
    rescue_from_log(path)


def rescue_from_log(path: Path) -> None:
    """Rebuild the 0-byte store at ``path`` from its write-ahead log, as a checkpoint would have, keeping the log as
    ``…-wal.before-rescue``; a one-line refusal where the log holds no committed run or cannot be read."""
    log = path.with_name(path.name + "-wal")
    image, unread = None, None
    try:
        image = committed_image(log.read_bytes())
    except OSError as exc:
        unread = exc
    if _written(path):  # rebuilt by another reader (two 'show's at once) since this one found it empty: its log set
        return  # aside, or a new one SQLite made, was refused as unreadable or as holding no run, 'delete both'
    if unread is not None:
        raise DataError(f"{path} is empty (0 bytes) and its write-ahead log {log.name} cannot be read "
                        f"({unread.strerror or unread}); make it readable and try again")
    if image is None:
        raise DataError(f"{path} is empty (0 bytes) and its write-ahead log {log.name} holds no committed run (a "
                        f"search killed as it started); delete both files and start the search again with "
                        f"--run-dir {path.parent}")
    try:
        with _held(path) as still_empty:
            if not still_empty:  # rebuilt by another rescuer while this one waited: the log is that one's to set aside
                return
            _write_back(path, image, log)
            with contextlib.suppress(OSError):  # left in place, SQLite replays it onto the same pages: no harm
                os.replace(log, log.with_name(log.name + RESCUED))
    except OSError as exc:
        raise DataError(f"{path} is empty (0 bytes), and the run its write-ahead log {log.name} holds cannot be "
                        f"written back into it ({exc.strerror or exc}); copy the run folder somewhere writable and "
                        "read the copy") from None


@contextlib.contextmanager
def _held(path: Path) -> Iterator[bool]:
    """The 0-byte store at ``path`` locked (``flock``) against other rescuers, and whether it is still 0 bytes once
    the lock is taken. Two 'show's rescuing at once wrote one shared partial file, ``nasloop.sqlite.rescue``: one
    could truncate it between the other's check and its rename, putting a torn store in place. Each now writes its
    own, and the second to take the lock finds the store the first rebuilt (a new file, no longer the one locked)
    and leaves it, where its rename would have replaced a store a '--resume' may already write."""
    with open(path, "rb") as empty:
        try:
            fcntl.flock(empty.fileno(), fcntl.LOCK_EX)
        except OSError as exc:
            if exc.errno not in NO_LOCKS:
                raise
        yield same_file(empty.fileno(), path) and not _written(path)


def _write_back(path: Path, image: bytes, log: Path) -> None:
    """Write ``image`` in place of the store at ``path`` through a partial file of this process's own, removed if
    anything (a refusal, a Ctrl-C) interrupts it; partial files of rescuers killed outright, and the single shared
    one earlier versions wrote, are removed first."""
    with replaced_by_this_process(path, "rescue", older=re.escape(f"{path.name}.rescue")) as partial:
        with open(partial, "wb") as out:
            out.write(image)
            out.flush()
            os.fsync(out.fileno())
        _refuse_unsound(partial, path, log)


def _written(path: Path) -> bool:
    """Whether the store at ``path`` holds bytes now (rebuilt by another reader)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _refuse_unsound(partial: Path, path: Path, log: Path) -> None:
    """Remove ``partial`` (the log's image) and refuse in one line unless SQLite reads it as a sound database holding
    a nasloop store's tables: the checksums only say the frames are whole, and a log made or edited by anything but
    SQLite can chain them over pages that are no database; written into the store, they replaced its 0 bytes and the
    log was set aside, leaving a 'malformed' store and advice to restore it, or another program's database refused
    as one 'nasloop leaves untouched'. Read as immutable: no journal or shared memory is made beside it."""
    tables: set[str] = set()
    try:
        with contextlib.closing(sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            if problems == ["ok"]:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        problems = [str(exc)]
    if problems == ["ok"] and set(STORE_TABLES) <= tables:
        return
    partial.unlink(missing_ok=True)
    if problems != ["ok"]:
        raise DataError(f"{path} is empty (0 bytes) and the pages its write-ahead log {log.name} commits are no sound "
                        f"SQLite database ({one_line(problems[0], 200)}), so both are left as they were; delete both "
                        f"files and start the search again with --run-dir {path.parent}")
    raise DataError(f"{path} is empty (0 bytes) and the pages its write-ahead log {log.name} commits are an SQLite "
                    f"database but not a nasloop store (its tables: {', '.join(sorted(tables)) or 'none'}); nasloop "
                    "leaves both untouched: give a run directory written by 'nasloop search'")
