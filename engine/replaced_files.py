"""Files written beside their destination and renamed into place: whole under the real name, or not there at all.

A file written in place (a report's ``write_text``) was left truncated under its real name by a Ctrl-C or a full
disk in mid-write, where a whole earlier one had been; and a partial file removed only on ``OSError`` stayed beside
the destination after a Ctrl-C.
"""
from __future__ import annotations

import contextlib
import glob
import os
import socket
from pathlib import Path
from typing import Iterator


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
def replaced_by_this_process(path: Path, suffix: str) -> Iterator[Path]:
    """``replaced`` with a partial file of this process's own, ``.NAME.HOST.PID.SUFFIX``, for a file that several
    processes may write at once (a trial's checkpoint: a timed-out attempt beside its retry; one CIFAR-10 download
    per Ray worker): with one shared partial name they wrote into one file and the second rename failed. The partial
    files that processes killed outright (``ray.kill``, SIGKILL: nothing of theirs ran) left for ``path`` are
    removed first, as the single shared name used to be overwritten."""
    remove_dead_partials(path, suffix)
    with replaced(path, path.with_name(f".{path.name}.{socket.gethostname()}.{os.getpid()}.{suffix}")) as partial:
        yield partial


def remove_dead_partials(path: Path, suffix: str) -> None:
    """Remove the partial files of ``replaced_by_this_process`` for ``path`` whose process has ended; never one of a
    live process, nor one written on another machine (a folder shared by a cluster), whose processes are not ours."""
    prefix, host = f".{path.name}.", socket.gethostname()
    for partial in path.parent.glob(f"{glob.escape(prefix)}*.{suffix}"):
        writer, _, pid = partial.name[len(prefix):-len(suffix) - 1].rpartition(".")
        if writer == host and pid.isdigit() and int(pid) > 0 and not _alive(int(pid)):
            with contextlib.suppress(OSError):  # removed by another process meanwhile, or a read-only folder
                partial.unlink()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine runs (one of another user's, which may not be signalled, does)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: a number no process id reaches (a hand-made name)
        return False
    except PermissionError:
        pass
    return True
