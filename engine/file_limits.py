"""What to tell a user whose write stopped at the largest file allowed, not at a full disk.

A shell's file-size limit (``ulimit -f``, RLIMIT_FSIZE) makes a write past it fail with EFBIG (Python ignores the
SIGXFSZ that comes first), and SQLite reports that as a plain 'disk I/O error': the one line said to free space on a
disk that had plenty, and a report, a proxy file or an export named 'File too large' with no file and 'mend that
first'. The limit is this process's own, so it is read here and named with the fix (raise it, then continue).
"""
from __future__ import annotations

import errno
import resource
import sqlite3


def file_size_limit() -> int | None:
    """This process's file-size limit in bytes (``ulimit -f`` counts KiB), or None where there is none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def past_largest_file(exc: BaseException) -> bool:
    """Whether ``exc`` is a write stopped at the largest file allowed: EFBIG, or SQLite's I/O error (which keeps no
    errno) while a file-size limit is in force."""
    if isinstance(exc, OSError):
        return exc.errno == errno.EFBIG
    return isinstance(exc, sqlite3.OperationalError) and "disk I/O error" in str(exc) and \
        file_size_limit() is not None


def largest_file_text(what: str) -> str:
    """'``what`` could not grow past ...; raise ...': the limit and how to lift it, or the file system's own bound."""
    limit = file_size_limit()
    if limit is None:
        return f"{what} could not grow past the largest file its file system allows; choose another disk"
    return (f"{what} could not grow past this shell's file-size limit of {limit:,} bytes ('ulimit -f' "
            f"{limit // 1024}); raise it ('ulimit -f unlimited')")
