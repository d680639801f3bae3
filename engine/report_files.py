"""A report's files (``report.md``, ``report.html``, ``figures/``) replaced together, or not at all.

Each file was renamed into place as it was written (:mod:`.replaced_files`), so each was whole, but a Ctrl-C between
two figures left the new ones beside the old rest: a report whose figures disagreed with its table. They are now
written into a folder beside them and moved onto the old ones only once all are written.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from .executors.base import interrupts_held

STAGED = ".report.part-"
"""How the folders inside the report's one that its files are written into first begin (a unique name each)."""


@contextlib.contextmanager
def staged_report(out: Path) -> Iterator[Path]:
    """A folder of a unique name (``out/.report.part-`` and random letters) to write the report's files into, in the
    layout they take in ``out``. When the block ends they are renamed onto ``out``'s, one by one with Ctrl-C and
    SIGTERM held off (a few renames): never some of them. When it raises (a Ctrl-C in mid-figure, a full disk),
    ``out``'s files stay as they were. Either way the folder is removed. Each report writes a folder of its own,
    locked while it writes: one folder shared by all, a second report into ``out`` (``report`` beside the
    ``compare`` writing its own) removed the first's files under it; a folder whose lock can be taken was left by a
    report killed outright and is removed. Only the files written are replaced: others in ``out/figures`` (a user's
    own) are left alone."""
    out.mkdir(parents=True, exist_ok=True)
    _remove_dead(out)
    staged = Path(tempfile.mkdtemp(prefix=STAGED, dir=out))
    lock = os.open(staged, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # its own new folder: taken at once
        yield staged
        written = sorted(path.relative_to(staged) for path in staged.rglob("*") if path.is_file())
        for name in written:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
        with interrupts_held():
            for name in written:
                os.replace(staged / name, out / name)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
        os.close(lock)


def _remove_dead(out: Path) -> None:
    """Remove the staged folders in ``out`` whose lock can be taken: their reports were killed outright."""
    for folder in out.glob(f"{STAGED}*"):
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:  # removed meanwhile by its own report, or not ours to read
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a live report writes it (or the file system keeps no locks: left alone)
            continue
        else:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(fd)


def write_staged(out: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """``write(folder)`` (a report writer, which returns the files it wrote in ``folder``) into a staged folder,
    its files then moved onto ``out``'s together (:func:`staged_report`); returns where they are in ``out``."""
    with staged_report(out) as staged:
        written = write(staged)
    return [out / path.relative_to(staged) for path in written]
