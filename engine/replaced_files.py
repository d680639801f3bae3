"""Files written beside their destination and renamed into place: whole under the real name, or not there at all.

A file written in place (a report's ``write_text``) was left truncated under its real name by a Ctrl-C or a full
disk in mid-write, where a whole earlier one had been; and a partial file removed only on ``OSError`` stayed beside
the destination after a Ctrl-C. Partial files that several processes may write are told live by an advisory
lock (``fcntl.flock``, POSIX: Windows is no target).
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import socket
from pathlib import Path
from typing import Callable, Iterator

NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}
"""What ``flock`` fails with on a file system that keeps no locks (some FUSE and NFS mounts)."""


@contextlib.contextmanager
def replaced(path: Path, partial: Path | None = None) -> Iterator[Path]:
    """The file to write in place of ``path`` (``partial``, by default ``.NAME.part`` beside it): renamed onto
    ``path`` when the block ends, removed when it raises anything, a Ctrl-C included, which then goes on."""
    partial = partial if partial is not None else path.with_name(f".{path.name}.part")
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):  # never written, or a read-only file system where removing fails too
            partial.unlink()
        raise


def write_text_replacing(path: Path, text: str) -> None:
    """``path.write_text(text)``, but a write cut short leaves whatever ``path`` held before, and nothing beside it."""
    with replaced(path) as partial:
        partial.write_text(text)


@contextlib.contextmanager
def replaced_by_this_process(path: Path, suffix: str, older: str | None = None) -> Iterator[Path]:
    """``replaced`` with a partial file of this process's own, ``.NAME.HOST.PID.SUFFIX``, for a file that several
    processes may write at once (a trial's checkpoint: a timed-out attempt beside its retry; one CIFAR-10 download
    per Ray worker): with one shared partial name they wrote into one file and the second rename failed. The partial
    files that processes killed outright (``ray.kill``, SIGKILL: nothing of theirs ran) left for ``path`` are
    removed first (see ``remove_dead_partials``, which ``older`` is passed to), as the single shared name used to be
    overwritten.

    The partial file is created and locked (``flock``) before it is yielded, and stays locked on a descriptor of
    its own until it is renamed into place or removed: that lock, not the process id, tells other processes it is
    live. The caller writes it through its path (``torch.save(partial)``, ``open(partial, "wb")``), which truncates
    the same file and leaves the lock held. A name whose lock another process holds (same host name and process id
    in another PID namespace: containers on the host network sharing a folder) is not shared: ``-2``, ``-3``...
    follow the process id."""
    remove_dead_partials(path, suffix, older)
    partial, fd = _own_partial(path, suffix)
    try:
        with replaced(path, partial) as written:
            yield written
    finally:  # after the rename or the removal: never an unlocked partial file of a live writer
        if fd is not None:
            os.close(fd)


def _own_partial(path: Path, suffix: str) -> tuple[Path, int | None]:
    """This process's partial file for ``path``, created and locked, and the descriptor holding its lock (None where
    the file cannot be created here: the caller's own write then fails as it did before, in its own words)."""
    stem = f".{path.name}.{socket.gethostname()}.{os.getpid()}"
    attempt = 0
    while True:
        attempt += 1
        partial = path.with_name(f"{stem}{f'-{attempt}' if attempt > 1 else ''}.{suffix}")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:  # a read-only or missing folder
            return partial, None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live writer of the same name, in another PID namespace: the next name
            os.close(fd)
            continue
        except OSError as exc:
            if exc.errno not in NO_LOCKS:
                os.close(fd)
                raise
            return partial, fd  # a file system without locks: others tell by the process id
        if same_file(fd, partial):
            return partial, fd
        os.close(fd)  # removed as a dead writer's between its creation and its lock: a new one


def remove_dead_partials(path: Path, suffix: str, older: str | None = None) -> None:
    """Remove the partial files of ``replaced_by_this_process`` for ``path`` that no live process writes: those
    whose lock can be taken. A locked one is never removed, whatever process id its name holds (one of another PID
    namespace on this host, which ours cannot see; a dead writer's, reused by a live process). Those written on
    another machine (a folder shared by a cluster) are left alone: a network file system's locks may not reach
    across machines. On a file system without locks, the process id in the name tells, as before locks were used.

    ``older`` (a regular expression of whole file names beside ``path``) names the partial files earlier nasloop
    versions wrote for ``path`` without a host in their names (``.last.pt.PID.tmp``, the single shared
    ``cifar-10-python.tar.gz.part``): those writers never locked them, so one whose lock can be taken is removed;
    without locks they are left."""
    own = re.compile(rf"{re.escape(f'.{path.name}.{socket.gethostname()}.')}(\d+)(?:-\d+)?\.{re.escape(suffix)}")
    try:
        names = os.listdir(path.parent)
    except OSError:  # nothing written there yet (a trial's checkpoint folder), or an unreadable one
        return
    for name in names:
        mine = own.fullmatch(name)
        if mine is not None or (older is not None and re.fullmatch(older, name)):
            _remove_if_dead(path.parent / name, int(mine[1]) if mine is not None else None)


def _remove_if_dead(partial: Path, pid: int | None) -> None:
    """Remove ``partial`` if its lock can be taken (on a file system without locks: if ``pid`` ran here and ended),
    holding that lock while checking it is still the file locked and removing it, so that a writer creating the
    same name meanwhile sees it removed or finds it locked."""
    fd = _opened(partial)
    if fd is None:  # removed by another process meanwhile, or not ours to read
        return

    def unlink() -> None:
        with contextlib.suppress(OSError):  # removed by another process meanwhile, or a read-only folder
            partial.unlink()
    remove_if_unlocked(partial, fd, pid, unlink)


def remove_if_unlocked(path: Path, fd: int, pid: int | None, remove: Callable[[], None]) -> None:
    """``remove()`` if the lock of ``path`` (open as ``fd``, closed here) can be taken, or on a file system without
    locks if ``pid`` ran here and ended; the lock is held while checking ``fd`` is still ``path`` and removing it.
    Shared by the partial files here and the scratch folders of :mod:`.scratch_folders`."""
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its process is live
            return
        except OSError as exc:
            if exc.errno not in NO_LOCKS or pid is None or alive(pid):
                return
        if same_file(fd, path):
            remove()
    finally:
        os.close(fd)


def _opened(partial: Path) -> int | None:
    """A descriptor to lock ``partial`` with: writable where it may be (NFS emulates flock by locks that need one),
    else read-only (another user's file, whose lock a local file system gives all the same)."""
    for flags in (os.O_RDWR, os.O_RDONLY):
        try:
            return os.open(partial, flags | os.O_CLOEXEC)
        except PermissionError:
            continue
        except OSError:
            return None
    return None


def same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        named = os.stat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine runs (one of another user's, which may not be signalled, does)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: a number no process id reaches (a hand-made name)
        return False
    except PermissionError:
        pass
    return True
