"""One writer per run directory.

Two ``nasloop search --resume DIR`` started at once would both ask the stored strategy state for
the next trials and evaluate the same architectures twice. The search holds an exclusive
``flock`` on the directory itself for as long as it writes: the kernel drops it when the process
ends, however it ends, so a ``kill -9`` never leaves a stale lock behind, and no file in the folder
can be deleted to let a second writer in (a lock on ``DIR/nasloop.lock`` could: a writer started after
someone removed that file locked a fresh one). The file stays, holding the writer's pid for the message
a second writer gets. Readers (``show``, ``export``) open the store read-only; ``show`` probes the lock for
an instant to tell a running search from a killed one.
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from .errors import ConfigError

LOCK_NAME = "nasloop.lock"


def _holder(path: Path) -> str:
    """The pid the holder wrote to ``path``; it writes it just after locking, so give it a moment to appear."""
    for _ in range(50):
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            text = ""  # not written yet, or removed by hand
        if text.isdigit():
            return text
        time.sleep(0.01)
    return ""


def _open_directory(path: Path) -> int:
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY)


WRITER_PATIENCE = 0.25
"""Seconds a writer retries a held lock before refusing: a reader's probe (``show``) holds it for microseconds,
a search for its whole length."""


def _lock_with_patience(fd: int) -> None:
    deadline = time.monotonic() + WRITER_PATIENCE
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class RunLock:
    """Held while a search writes ``run_dir``; a second writer fails in one line naming the holder."""

    file_name = LOCK_NAME

    def __init__(self, run_dir: str | Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / self.file_name
        self._fd: int | None = None

    def busy(self, holder: str) -> str:
        """The refusal a second writer gets, ``holder`` naming the process that holds the lock."""
        return (f"{self.run_dir} is being searched by {holder}; wait for it to finish, or stop it and continue "
                f"with 'nasloop search --resume {self.run_dir}'")

    def __enter__(self) -> "RunLock":
        fd = _open_directory(self.run_dir)
        try:
            _lock_with_patience(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = _holder(self.path)
            raise ConfigError(self.busy(f"process {holder}" if holder.isdigit() else "another process")) from None
        self._fd = fd
        try:
            self.path.write_text(str(os.getpid()), encoding="ascii")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            try:
                self.path.write_text("", encoding="ascii")  # no stale pid for the next one to misreport
            except OSError:
                pass  # removed by hand meanwhile, or its disk is full: the lock itself is the directory's
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class StudyLock(RunLock):
    """Held while ``nasloop compare`` runs a study: a second one on the same folder found every run locked and
    then rewrote the report from none of them."""

    file_name = "study.lock"

    def busy(self, holder: str) -> str:
        return (f"the study {self.run_dir} is being run by {holder}; wait for it to finish, or stop it first (the "
                "same command then continues the study)")


def is_being_searched(run_dir: str | Path) -> bool:
    """Whether a live process holds ``run_dir``'s lock (a run marked running whose process was killed is not).

    Probes with a shared lock for an instant and creates nothing; a writer starting in that instant retries
    (see :data:`WRITER_PATIENCE`), so a reader never makes it fail.
    """
    try:
        fd = _open_directory(Path(run_dir))
    except OSError:
        return False  # no such folder: nobody searches it
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
