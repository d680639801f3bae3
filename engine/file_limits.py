"""What to tell a user whose write stopped at the largest file allowed, not at a full disk.

A shell's file-size limit (``ulimit -f``, RLIMIT_FSIZE) makes a write past it fail with EFBIG (Python ignores the
SIGXFSZ that comes first), and SQLite reports that as a plain 'disk I/O error': the one line said to free space on a
disk that had plenty, and a report, a proxy file or an export named 'File too large' with no file and 'mend that
first'. The limit is this process's own, so it is read here and named with the fix (raise it, then continue).

SQLite keeps no errno, and its 'disk I/O error' is also a failing disk or a store's journal that cannot be read: read
as the limit wherever one was set, those sent the user to raise a limit that stopped nothing. The kernel's SIGXFSZ
comes only with a write past the limit, so the command notes it (:func:`writes_past_the_limit_noted`) and only a
noted one is the limit's. The limit is named in bytes and in both shells' units: bash's ``ulimit -f`` counts KiB,
dash's 512-byte blocks, and the number of one is half or twice the other's.
"""
from __future__ import annotations

import contextlib
import errno
import resource
import signal
import sqlite3
import threading
from typing import Iterator

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
    """For the Python API (``search``, ``resume``): a store's 'disk I/O error' past the file-size limit raised as
    EFBIG naming the limit, as the command names it. A library must not own a process's signal handlers, so SIGXFSZ
    is blocked in the calling thread for the block's time instead (where Python left it ignored, its default), which
    keeps the kernel's signal pending there to be read, and taken back, once the block ends; where a handler is set
    (the command's note, or the caller's own) or the caller chose SIGXFSZ's default (the process ends at the
    write), nothing changes."""
    if file_size_limit() is None or signal.getsignal(signal.SIGXFSZ) is not signal.SIG_IGN:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGXFSZ})
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "disk I/O error" in str(exc) and _taken_back(before):
            raise OSError(errno.EFBIG, f"{largest_file_text('a file nasloop writes')} ({exc})") from exc
        raise
    finally:
        _taken_back(before)
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _taken_back(before: set[signal.Signals]) -> bool:
    """Whether a SIGXFSZ was pending in this thread, which is then taken (none is where the caller had blocked it
    before: that one is the caller's)."""
    if signal.SIGXFSZ in before or signal.SIGXFSZ not in signal.sigpending():
        return False
    return signal.sigtimedwait({signal.SIGXFSZ}, 0) is not None


def past_largest_file(exc: BaseException) -> bool:
    """Whether ``exc`` is a write stopped at the largest file allowed: EFBIG, or SQLite's I/O error (which keeps no
    errno) after a write past the file-size limit was noted."""
    if isinstance(exc, OSError):
        return exc.errno == errno.EFBIG
    return isinstance(exc, sqlite3.OperationalError) and "disk I/O error" in str(exc) and _PAST_THE_LIMIT.is_set()


def largest_file_text(what: str) -> str:
    """'``what`` could not grow past ...; raise ...': the limit and how to lift it, or the file system's own bound."""
    limit = file_size_limit()
    if limit is None:
        return f"{what} could not grow past the largest file its file system allows; choose another disk"
    return (f"{what} could not grow past this shell's file-size limit of {limit:,} bytes ('ulimit -f' "
            f"{limit // 1024} in bash, {limit // 512} in dash); raise it ('ulimit -f unlimited')")
