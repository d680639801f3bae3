"""What to tell a user whose write stopped at the largest file allowed, not at a full disk.

A shell's file-size limit (``ulimit -f``, RLIMIT_FSIZE) makes a write past it fail with EFBIG (Python ignores the
SIGXFSZ that comes first), and SQLite reports that as a plain 'disk I/O error': the one line said to free space on a
disk that had plenty, and a report, a proxy file or an export named 'File too large' with no file and 'mend that
first'. The limit is this process's own, so it is read here and named with the fix (raise it, then continue).

SQLite keeps no errno, and its 'disk I/O error' is also a failing disk or a store's journal that cannot be read: read as
the limit wherever one was set, those sent the user to raise a limit that stopped nothing. The kernel's SIGXFSZ comes
only with a write past the limit, so the command notes it (:func:`writes_past_the_limit_noted`) and only a noted one is
the limit's; a store closing on the error tells it by its files' sizes (:func:`closed_past_the_limit`), which the Python
API, owning no signal of the process, relies on. The limit is named in bytes and in both shells' units: bash's
``ulimit -f`` counts KiB, dash's 512-byte blocks, and the number of one is half or twice the other's.
"""
from __future__ import annotations

import contextlib
import errno
import resource
import signal
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterator

from .signal_handlers import handlers_within

_PAST_THE_LIMIT = threading.Event()
"""Set once a write of this process went past its file-size limit (the kernel sent SIGXFSZ)."""


def file_size_limit() -> int | None:
    """This process's file-size limit in bytes, or None where there is none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def _note_past_the_limit(signum: int, frame: object) -> None:
    """SIGXFSZ's handler: note the write that failed (it fails with EFBIG, as where the signal is ignored)."""
    _PAST_THE_LIMIT.set()


@contextlib.contextmanager
def writes_past_the_limit_noted() -> Iterator[None]:
    """Within the block, a write past the file-size limit is noted for :func:`past_largest_file` (from the main
    thread, where a handler can be set; elsewhere SIGXFSZ stays as it was, and no SQLite error is the limit's)."""
    with handlers_within({signal.SIGXFSZ: _note_past_the_limit}):
        yield


@contextlib.contextmanager
def limit_told_to_the_parent() -> Iterator[None]:
    """In a worker process (a study's run with ``--jobs`` or on Ray): a write past the file-size limit noted, and a
    store's error past it raised as EFBIG, which any process tells as the limit's. The worker's SIGXFSZ is its own: the
    command's note (:func:`writes_past_the_limit_noted`) never saw it, and its line said to mend the disk."""
    with writes_past_the_limit_noted():
        try:
            yield
        except sqlite3.OperationalError as exc:
            if past_largest_file(exc):
                raise OSError(errno.EFBIG, str(exc)) from exc
            raise


@contextlib.contextmanager
def limit_named_to_the_caller() -> Iterator[None]:
    """For the Python API (``search``, ``resume``): a write stopped at the largest file allowed (EFBIG; a store's
    'disk I/O error' there is raised so as the store closes, :func:`closed_past_the_limit`) raised naming the limit
    and how to lift it, as the command names it. Nothing of the process changes: a signal blocked in the caller for
    the search was inherited by every thread and child process it started (Ray's, an evaluator's), and kept by a
    thread after the search returned."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.EFBIG:
            raise
        raise OSError(errno.EFBIG, f"{largest_file_text('a file nasloop writes')} ({exc.strerror})",
                      exc.filename) from exc  # which file: the error's last words, as an OSError says it


WAL_FRAME_HEADER = 24
"""Bytes SQLite writes before each page in its WAL (a rollback journal's record adds 8)."""


def closed_past_the_limit(path: Path, page_size: int, exc: BaseException | None, close: Callable[[], None]) -> None:
    """``close`` the SQLite store at ``path`` (pages of ``page_size`` bytes), then raise its 'disk I/O error' (``exc``,
    or one of closing) as EFBIG naming the file where that file is at the file-size limit: only then does the error
    come from the limit, which no process-wide state has to tell. Sizes are read before closing, which checkpoints a
    WAL that reached the limit into a store far below it and deletes it."""
    at = _store_file_at_the_limit(path, page_size, exc)
    try:
        close()
    except sqlite3.OperationalError as closing:
        if (at := at or _store_file_at_the_limit(path, page_size, closing)) is None:
            raise
        raise OSError(errno.EFBIG, str(closing), str(at)) from closing
    if at is not None:
        raise OSError(errno.EFBIG, str(exc), str(at)) from exc


def _store_file_at_the_limit(path: Path, page_size: int, exc: BaseException | None) -> Path | None:
    """The store's file (itself, its WAL or journal) within one write of the file-size limit where ``exc`` is SQLite's
    'disk I/O error'; None elsewhere. A write crossing the limit fills the file up to it (the kernel writes what fits
    and fails the rest), so a file stopped by it holds at least the limit less one write (a page and its header); a
    failing disk under a file further below the limit is not the limit's."""
    limit = file_size_limit()
    if limit is None or not _disk_io_error(exc):
        return None
    for file in (path, *(path.with_name(path.name + end) for end in ("-wal", "-journal"))):
        with contextlib.suppress(OSError):
            if file.stat().st_size >= limit - page_size - WAL_FRAME_HEADER:
                return file
    return None


def needs_past_the_limit(size: int, exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's 'disk I/O error' of a write that needed a file of ``size`` bytes, past the file-size
    limit: where a failed commit took back what it wrote (a new store's file is cut back to nothing), no file's size
    tells it, and the size the file needed does."""
    limit = file_size_limit()
    return limit is not None and size > limit and _disk_io_error(exc)


def _disk_io_error(exc: BaseException | None) -> bool:
    """Whether ``exc`` is SQLite's 'disk I/O error', the only form a write past the limit takes there (no errno)."""
    return isinstance(exc, sqlite3.OperationalError) and "disk I/O error" in str(exc)


def past_largest_file(exc: BaseException) -> bool:
    """Whether ``exc`` is a write stopped at the largest file allowed: EFBIG, or SQLite's I/O error (which keeps no
    errno) after a write past the file-size limit was noted."""
    if isinstance(exc, OSError):
        return exc.errno == errno.EFBIG
    return _disk_io_error(exc) and _PAST_THE_LIMIT.is_set()


def largest_file_text(what: str) -> str:
    """'``what`` could not grow past ...; raise ...': the limit and how to lift it, or the file system's own bound."""
    limit = file_size_limit()
    if limit is None:
        return f"{what} could not grow past the largest file its file system allows; choose another disk"
    return (f"{what} could not grow past this shell's file-size limit of {limit:,} bytes ('ulimit -f' "
            f"{limit // 1024} in bash, {limit // 512} in dash); raise it ('ulimit -f unlimited')")
