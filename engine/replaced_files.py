"""Files written beside their destination and renamed into place: whole under the real name, or not there at all.

A file written in place (a report's ``write_text``) was left truncated under its real name by a Ctrl-C or a full
disk in mid-write, where a whole earlier one had been; and a partial file removed only on ``OSError`` stayed beside
the destination after a Ctrl-C.
"""
from __future__ import annotations

import contextlib
import os
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
