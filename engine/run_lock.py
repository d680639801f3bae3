"""One writer per run directory.

Two ``nasloop search --resume DIR`` started at once would both ask the stored strategy state for
the next trials and evaluate the same architectures twice. The search holds an exclusive ``flock``
on ``DIR/nasloop.lock`` (holding its pid, for the message a second writer gets) and on the directory
itself for as long as it writes: the kernel drops both when the process ends, however it ends, so a
``kill -9`` never leaves a stale lock behind. The file's lock alone let a second writer in once
someone deleted the file (it locked a fresh one); no file can be deleted to free the directory's. On
NFS the directory's lock is this machine's only (Linux's NFS client locks a directory locally), while
the file's covers every machine; a file system that cannot lock a directory at all keeps the file's
lock alone. Readers (``show``, ``export``) open the store read-only; ``show`` probes the locks for an
instant to tell a running search from a killed one.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import ConfigError
from .replaced_files import same_file

LOCK_NAME = "nasloop.lock"
HELD = (errno.EAGAIN, errno.EACCES)
"""What ``flock`` says of a lock another process holds."""
UNLOCKABLE = (errno.EBADF, errno.EINVAL, errno.ENOLCK, errno.EOPNOTSUPP)
"""What ``flock`` says where a file system cannot lock a directory."""


def _holder(path: Path) -> str:
    """The pid the holder wrote to ``path``; it writes it just after locking, so give it a moment to appear."""
    for _ in range(50):
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            text = ""  # not written yet, or deleted by hand
        pid = text.split(maxsplit=1)[0] if text else ""  # a new study's lock writes a word after it
        if pid.isdigit():
            return pid
        time.sleep(0.01)
    return ""


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
            if exc.errno not in HELD or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _release(fd: int | None) -> None:
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class RunLock:
    """Held while a search writes ``run_dir``; a second writer fails in one line naming the holder."""

    file_name = LOCK_NAME
    mark = ""
    """Words written after the pid: a new study's :data:`MADE_FOLDER`."""

    def __init__(self, run_dir: str | Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / self.file_name
        self._fds: tuple[int | None, int] | None = None

    def busy(self, holder: str) -> str:
        """The refusal a second writer gets, ``holder`` naming the process that holds the lock."""
        return (f"{self.run_dir} is being searched by {holder}; wait for it to finish, or stop it and continue "
                f"with 'nasloop search --resume {self.run_dir}'")

    def _refusal(self) -> ConfigError:
        holder = _holder(self.path)
        return ConfigError(self.busy(f"process {holder}" if holder.isdigit() else "another process"))

    def refuse_if_held(self) -> None:
        """This lock's refusal at once where a live process holds it, taking and creating nothing: for a check made
        before long work of its own (``compare`` builds every method's plugins first: a second ``compare`` of a
        study being run was refused half a minute later, on a busy machine)."""
        if any(_held(path, flags) for path, flags in ((self.run_dir, os.O_RDONLY | os.O_DIRECTORY),
                                                      (self.path, os.O_RDONLY))):
            raise self._refusal()

    def _lock_folder(self) -> int | None:
        """The directory, locked; None where its file system locks no directory (see the module's doc)."""
        fd = os.open(self.run_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            _lock_with_patience(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in HELD:
                raise self._refusal() from None
            if exc.errno in UNLOCKABLE:
                return None
            raise
        return fd

    def __enter__(self) -> "RunLock":
        folder = self._lock_folder()
        try:
            fd = self._lock_file()
        except BaseException:
            _release(folder)
            raise
        self._fds = (folder, fd)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}{self.mark}".encode(), 0)
        except BaseException:  # a full disk: a retry in this process must not find its own locks held
            self.__exit__()
            raise
        return self

    def _lock_file(self) -> int:
        """The lock file, locked, and still the one its path names: a holder may remove it while holding it
        (``new_study_lock``, leaving nothing behind), and a writer that opened it before then locked a file no
        path names, beside a third that created and locked a new one; one locking a directory waits on the
        directory's lock before it opens the file, but a file system that locks no directory keeps the file's alone.
        The file now there is locked instead."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _lock_with_patience(fd)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in HELD:
                    raise
                raise self._refusal() from None
            if same_file(fd, self.path):
                return fd
            _release(fd)

    def __exit__(self, *exc: object) -> None:
        if self._fds is not None:
            folder, fd = self._fds
            self._fds = None
            try:
                # The file stays, though a writer waiting on it would lock the one made anew (see _lock_file)
                os.ftruncate(fd, 0)  # no stale pid for the next one to misreport
            finally:
                _release(fd)
                _release(folder)


class NewRunLock(RunLock):
    """Held while a new search creates and runs its run: a second new search into the folder is told to choose
    another, where 'stop it and continue with --resume' carried on the first search's run, of its configuration."""

    def busy(self, holder: str) -> str:
        return f"{self.run_dir} is being searched by {holder}; give this new search another --run-dir"


def holds_a_run(run_dir: Path) -> ConfigError:
    """A new search's refusal of a folder that already holds a run: 'continue it with --resume' alone carried on
    that run, of whatever configuration it was started with, where the user meant to start this one."""
    return ConfigError(f"{run_dir} already holds a run; give this new search another --run-dir (or continue that run, "
                       f"if it is the one you meant, with 'nasloop search --resume {run_dir}')")


MADE_FOLDER = "made-its-folder"
"""The word a new study's lock file holds after the pid where the study made its folder: a user's own folder, made
before a ``compare --out`` into it was killed, is the user's to remove."""
FOUND_FOLDER = "found-its-folder"
"""The word a new study's lock file holds after the pid where its folder was there before it: a lock of the pid
alone (an older nasloop's, or a study's that was not new) says nothing of who made the folder, and the leftover's
message said it 'was there before the study' of each."""


class StudyLock(RunLock):
    """Held while ``nasloop compare`` runs a study: a second one on the same folder found every run locked and
    then rewrote the report from none of them."""

    file_name = "study.lock"

    def __init__(self, run_dir: str | Path, made: bool | None = None) -> None:
        """``made``: whether the new study made ``run_dir``, so a kill's leftover may remove it or must keep it
        (``study_leftover``); None where no new study is begun (the lock file then says nothing of it)."""
        super().__init__(run_dir)
        self.mark = "" if made is None else f" {MADE_FOLDER if made else FOUND_FOLDER}"

    def busy(self, holder: str) -> str:
        return (f"the study {self.run_dir} is being run by {holder}; wait for it to finish, or stop it first (the "
                "same command then continues the study)")


@contextlib.contextmanager
def new_study_lock(folder: Path, kept: Callable[[], bool]) -> Iterator[None]:
    """``folder`` made and locked as a :class:`StudyLock` for a new study before its first piece of work, and made
    again as it was unless ``kept()`` says the study wrote something in it: a predictor study writes its folder with
    its first measured fit, so one locked only then let a second study into the same new folder fit (half a minute,
    on a busy machine) before it was refused. The lock file and the folders this made are removed while still held,
    so a refused or failed request leaves nothing behind; a second one that meets the folder as it goes is refused
    (the first holds it) or makes it anew. One that opened the lock file before its removal does not lock a file no
    path names beside a third's new one: see ``RunLock._lock_file``."""
    made = [path for path in (folder, *folder.parents) if not path.exists()]  # deepest first
    had_lock_file, made_folder = (folder / StudyLock.file_name).exists(), not folder.exists()
    with contextlib.ExitStack() as held:
        for attempt in range(5):  # a folder another new study removed between our mkdir and our lock: made anew
            folder.mkdir(parents=True, exist_ok=True)
            try:
                lock = held.enter_context(StudyLock(folder, made=made_folder))
                break
            except FileNotFoundError:
                if attempt == 4:
                    raise
        try:
            yield
        finally:
            if not kept():  # removed while held: a study waiting on the folder finds it gone, and makes it anew
                if not had_lock_file:
                    lock.path.unlink(missing_ok=True)
                for path in made:
                    with contextlib.suppress(OSError):  # not empty: something else wrote in it meanwhile
                        path.rmdir()


def is_being_searched(run_dir: str | Path, file_name: str = LOCK_NAME) -> bool:
    """Whether a live process holds ``run_dir``'s lock (a run marked running whose process was killed is not);
    ``file_name`` names the lock file beside the folder's own lock (a study's: ``StudyLock.file_name``).

    Probes the directory and the lock file with a shared lock for an instant and creates nothing; a writer
    starting in that instant retries (see :data:`WRITER_PATIENCE`), so a reader never makes it fail.
    """
    return any(_held(path, flags) for path, flags in ((Path(run_dir), os.O_RDONLY | os.O_DIRECTORY),
                                                      (Path(run_dir) / file_name, os.O_RDONLY)))


def _held(path: Path, flags: int) -> bool:
    try:
        fd = os.open(path, flags)
    except OSError:
        return False  # no such file or folder: no search ever held it
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in HELD
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
