"""Columns parsed from a public text file, kept on disk between processes.

Every process's first lookup in a benchmark read directly from its public CSV parsed it again: NB201's two CSVs
took 0.9 s of CPU in each search, study, Ray worker and subprocess of the tests. The parsed columns are now saved
in the user cache folder (``<cache>/parsed/``, a folder of its own: never read as a data file) and loaded in
milliseconds by the next process. The key is the source file's path, size, modification and change times and
inode, and the source of the code that parsed it: a file rewritten since, or a nasloop that parses differently,
misses and parses again, and the entry then written replaces the file's older ones. A cache file is a plain
``.npz`` loaded with ``allow_pickle=False``, its members checked for a decompression bomb; one that cannot be read,
or that its reader's check refuses, is parsed again and rewritten, never trusted. It is written under a temporary
name and renamed into place, so a reader never sees half of one; a cache folder that cannot be written (read-only,
or none) only costs the parse. Tables computed rather than parsed (a whole space's graph features) are kept the
same way under a key of their own (:func:`entry_file`, :func:`kept_columns`).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Callable, Sequence

import numpy as np

from .paths import user_cache_dir
from .sniff import refuse_inflated_members

Columns = dict[str, np.ndarray]
FOLDER = "parsed"


def cache_file(source: str | Path, kind: str, code: Sequence[ModuleType]) -> Path | None:
    """Where ``kind``'s columns of ``source`` parsed by ``code`` are kept; None where the source cannot be read."""
    try:
        info = os.stat(source)
    except OSError:
        return None
    return entry_file(kind, str(Path(source).absolute()), (info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                                           info.st_ino), [module.__file__ or "" for module in code])


def entry_file(kind: str, place: object, version: object, sources: Sequence[str | Path]) -> Path | None:
    """Where ``kind``'s entry for ``place`` (what it is of) is kept at ``version`` (what it was made from), made by
    the code in the files ``sources`` (and this module's); None where a source cannot be read. Entries of one
    place share a name up to the version, so the entry written for a new version replaces the older ones."""
    try:
        texts = [Path(source).read_bytes() for source in (*sources, __file__)]
    except OSError:
        return None
    slot = hashlib.sha256(repr((place, kind)).encode()).hexdigest()[:16]
    digest = hashlib.sha256(repr(version).encode())
    for text in texts:
        digest.update(hashlib.sha256(text).digest())
    return user_cache_dir() / FOLDER / f"{kind}-{slot}-{digest.hexdigest()[:16]}.npz"


def cached_columns(source: str | Path, kind: str, code: Sequence[ModuleType], parse: Callable[[], Columns],
                   valid: Callable[[Columns], bool]) -> Columns:
    """``parse()``'s columns of ``source``, from the cache where a readable entry that ``valid`` accepts is kept for
    this version of the file and of ``code`` (the modules whose source decides what is parsed), else parsed and
    saved. ``parse`` raises as it would uncached: a file it refuses is refused on every read, nothing is saved."""
    return kept_columns(cache_file(source, kind, code), parse, valid)


def kept_columns(where: Path | None, make: Callable[[], Columns], valid: Callable[[Columns], bool]) -> Columns:
    """The columns kept at ``where`` where they can be read and ``valid`` accepts them, else ``make()``'s, saved
    there (None: nowhere to keep them)."""
    if where is not None and (columns := _load(where)) is not None and valid(columns):
        return columns
    columns = make()
    if where is not None:
        _save(where, columns)
    return columns


def _load(where: Path) -> Columns | None:
    """The kept columns, or None where there are none or they cannot be read whole (damaged, cut short, edited)."""
    try:
        if not zipfile.is_zipfile(where):
            return None
        refuse_inflated_members(where)
        with np.load(where, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except Exception:  # noqa: BLE001 - whatever a damaged cache raises, it is parsed again and rewritten
        return None


def _save(where: Path, columns: Columns) -> None:
    """Write ``columns`` to ``where`` under a temporary name, then rename it into place; nothing on failure."""
    temporary = None
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{where.stem}-", suffix=".npz", dir=where.parent)
        with os.fdopen(handle, "wb") as fh:
            np.savez(fh, **columns)
        os.replace(temporary, where)
        temporary = None
        for older in where.parent.glob(f"{where.stem.rsplit('-', 1)[0]}-*.npz"):  # this file's other versions
            if older != where:
                older.unlink(missing_ok=True)
    except OSError:  # a read-only or missing cache folder, a full disk: the next process parses again
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
