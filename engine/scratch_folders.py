"""Scratch folders in the temp folder that a process killed outright leaves behind, removed by a later process.

``tempfile.TemporaryDirectory`` removes its folder on return and on any exception, but a process killed with
SIGKILL (the OOM killer, ``kill -9``, a scheduler's hard limit) runs nothing: each such ``predictors pretrain``
left a ``nasloop-pretrain-*`` folder in the temp folder for good. Here a folder is created and locked (``flock``
on the folder itself) for as long as its process uses it; the lock, released by the kernel when the process dies,
tells a live folder from a leftover, which the next process with the same prefix removes. A folder whose lock is
held is never removed, whatever process id its name holds (one of another PID namespace; a reused id).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Iterator

from .replaced_files import NO_LOCKS, remove_if_unlocked, same_file


@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A new empty folder ``<temp>/<prefix><host>.<pid>-<random letters>``, locked while the block runs and then
    removed; the leftovers of dead processes with the same prefix on this host are removed first."""
    remove_dead_scratch_folders(prefix)
    folder, fd = _own_folder(prefix)
    try:
        yield folder
    finally:  # removed before its lock is released: never an unlocked folder of a live process
        shutil.rmtree(folder, ignore_errors=True)
        if fd is not None:
            os.close(fd)


def _own_folder(prefix: str) -> tuple[Path, int | None]:
    """A new folder, created and locked, and the descriptor holding its lock (None on a file system without
    locks, where the process id in its name tells others it is live)."""
    while True:
        folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{socket.gethostname()}.{os.getpid()}-"))
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # taken by a process removing it as dead between its creation and its lock
            os.close(fd)
            continue
        except OSError as exc:
            os.close(fd)
            if exc.errno not in NO_LOCKS:
                raise
            return folder, None
        if same_file(fd, folder):
            return folder, fd
        os.close(fd)  # removed as a dead process's between its creation and its lock: a new one


def remove_dead_scratch_folders(prefix: str) -> None:
    """Remove this host's ``<prefix>`` folders in the temp folder whose lock can be taken (on a file system without
    locks: whose process has ended). Another host's are left alone: a shared temp folder's locks may not reach it."""
    own = re.compile(rf"{re.escape(f'{prefix}{socket.gethostname()}.')}(\d+)-\w+")
    base = Path(tempfile.gettempdir())
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        if (mine := own.fullmatch(name)) is not None:
            _remove_if_dead(base / name, int(mine[1]))


def _remove_if_dead(folder: Path, pid: int) -> None:
    """Remove ``folder`` if its lock can be taken, holding that lock while checking it is still the folder locked
    and removing it, so that a process creating it meanwhile finds it locked or removed and makes another."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:  # removed meanwhile, not a folder, or not ours to read
        return
    # another user's, in a sticky temp folder, stays
    remove_if_unlocked(folder, fd, pid, lambda: shutil.rmtree(folder, ignore_errors=True))
