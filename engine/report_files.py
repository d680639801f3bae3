"""A report's files (``report.md``, ``report.html``, ``figures/``) replaced together, or not at all.

Each file was renamed into place as it was written (:mod:`.replaced_files`), so each was whole, but a Ctrl-C between
two figures left the new ones beside the old rest: a report whose figures disagreed with its table. They are now
written into a folder beside them and moved onto the old ones only once all are written.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

from .executors.base import interrupts_held

STAGED = ".report.part"
"""The folder inside the report's one that its files are written into first."""


@contextlib.contextmanager
def staged_report(out: Path) -> Iterator[Path]:
    """A folder (``out/.report.part``) to write the report's files into, in the layout they take in ``out``. When
    the block ends they are renamed onto ``out``'s, one by one with Ctrl-C and SIGTERM held off (a few renames):
    never some of them. When it raises (a Ctrl-C in mid-figure, a full disk), ``out``'s files stay as they were.
    Either way the folder is removed; one a report killed outright left is removed before writing. Only the files
    written are replaced: others in ``out/figures`` (a user's own, under ``--out``) are left alone."""
    staged = out / STAGED
    shutil.rmtree(staged, ignore_errors=True)
    try:
        staged.mkdir(parents=True)
        yield staged
        written = sorted(path.relative_to(staged) for path in staged.rglob("*") if path.is_file())
        for name in written:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
        with interrupts_held():
            for name in written:
                os.replace(staged / name, out / name)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def write_staged(out: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """``write(folder)`` (a report writer, which returns the files it wrote in ``folder``) into a staged folder,
    its files then moved onto ``out``'s together (:func:`staged_report`); returns where they are in ``out``."""
    with staged_report(out) as staged:
        written = write(staged)
    return [out / path.relative_to(staged) for path in written]
