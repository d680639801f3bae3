"""Columns parsed from a public text file, kept on disk between processes.

Every process's first lookup in a benchmark read directly from its public CSV parsed it again: NB201's two CSVs
took 0.9 s of CPU in each search, study, Ray worker and subprocess of the tests. The parsed columns are now saved
in the user cache folder (``<cache>/parsed/``, a folder of its own: never read as a data file) and loaded in
milliseconds by the next process. The key is the source file's path and the SHA-256 of its bytes (a few ms for the
shipped files, against the parse's second), and the source of the code that parsed it: a file rewritten since, or
a nasloop that parses differently, misses and parses again, and the entry then written replaces the file's older
ones. The file's size, times and inode were its version: a file rewritten in place to the same size within a time
stamp's grain, where ctime is the mtime (FAT's 2 s; a squashfs image's), was served as its older version. A file
that changes while it is parsed is not saved (its digest after the parse differs).

An entry holds its own name (:data:`KEY`): one copied over another's (a restore by hand, a sync) is no entry of
that name, where its columns, whole and valid, were served as the other file's. A cache file is a plain ``.npz``
loaded with ``allow_pickle=False``, its members checked for a decompression bomb, and opened only where it is a
regular file (a named pipe there waited forever, a link to /dev/zero was read forever); one that cannot be read, or
that its reader's check refuses, is parsed again and rewritten, never trusted. It is written under a partial name
of this process's own and renamed into place, so a reader never sees half of one, and the partial file of a process
killed mid-write is removed by the next write of that entry; a cache folder that cannot be written (read-only, or
none) only costs the parse. Tables computed rather than parsed (a whole space's graph features) are kept the same
way under a key of their own (:func:`entry_file`, :func:`kept_columns`).

An entry replaces the older versions of its file parsed by the same code, and those of other code unused for
:data:`UNUSED_DAYS` (a read marks an entry used): two nasloops sharing one cache (two environments, an upgrade tried
beside the old one) each parsed again on every run, each replacing the other's entry, and keep one each; an upgrade no
longer run leaves nothing for good, where each nasloop's entries were kept for good once entries of other code were
kept. An entry's path that is no regular file (a folder, made by hand or a sync) was passed over in silence and every
run parsed again: the process says so once, naming the path and its removal.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shlex
import stat
import time
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Callable, Sequence

import numpy as np

from ..errors import printable
from ..hooks import say_note
from ..replaced_files import replaced_by_this_process
from .paths import user_cache_dir
from .sniff import refuse_inflated_members

Columns = dict[str, np.ndarray]
FOLDER = "parsed"
KEY = "nasloop-entry"
"""The member holding the entry's own file name, a name no table's column has."""
UNUSED_DAYS = 30
"""How long an entry of other code (another nasloop sharing the cache) is kept unread before an entry of the same
file replaces it: one still run reads its own within that time, one no longer run is gone after it."""
log = logging.getLogger(__name__)
_NOTED: set[str] = set()
"""The entries this process has said are no regular file."""


def cache_file(source: str | Path, kind: str, code: Sequence[ModuleType]) -> Path | None:
    """Where ``kind``'s columns of ``source`` parsed by ``code`` are kept; None where the source cannot be read."""
    try:
        digest = hashlib.sha256()
        with open(source, "rb") as fh:  # a data file: a regular one (paths.data_file), so this never waits
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    # the file itself, not the name it was read by: a relative name given from another folder, or a link in another
    # data folder (a test's, a project's), parsed the same file again and kept one more entry of it each time
    return entry_file(kind, os.path.realpath(source), digest.hexdigest(),
                      [module.__file__ or "" for module in code])


def entry_file(kind: str, place: object, version: object, sources: Sequence[str | Path]) -> Path | None:
    """Where ``kind``'s entry for ``place`` (what it is of) is kept at ``version`` (what it was made from), made by
    the code in the files ``sources`` (and this module's); None where a source cannot be read, or there is no user
    cache folder. Entries of one place made by the same code share a name up to the version, so the entry written
    for a new version replaces the older ones, and another nasloop's (other code) is left to it."""
    cache = user_cache_dir()
    try:
        texts = [Path(source).read_bytes() for source in (*sources, __file__)]
    except OSError:
        return None
    slot = hashlib.sha256(repr((place, kind)).encode()).hexdigest()[:16]
    code = hashlib.sha256()
    for text in texts:
        code.update(hashlib.sha256(text).digest())
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:16]
    return None if cache is None else cache / FOLDER / f"{kind}-{slot}-{code.hexdigest()[:16]}-{digest}.npz"


def cached_columns(source: str | Path, kind: str, code: Sequence[ModuleType], parse: Callable[[], Columns],
                   valid: Callable[[Columns], bool]) -> Columns:
    """``parse()``'s columns of ``source``, from the cache where a readable entry that ``valid`` accepts is kept for
    this version of the file and of ``code`` (the modules whose source decides what is parsed), else parsed and
    saved where the file is the same after the parse. ``parse`` raises as it would uncached: a file it refuses is
    refused on every read, nothing is saved."""
    where = cache_file(source, kind, code)
    return kept_columns(where, parse, valid, lambda: cache_file(source, kind, code) == where)


def kept_columns(where: Path | None, make: Callable[[], Columns], valid: Callable[[Columns], bool],
                 unchanged: Callable[[], bool] = lambda: True) -> Columns:
    """The columns kept at ``where`` where they can be read and ``valid`` accepts them, else ``make()``'s, saved
    there where ``unchanged()`` says what they were made from is still what ``where`` names (None: nowhere to keep
    them)."""
    if where is not None and (columns := _load(where)) is not None and valid(columns):
        with contextlib.suppress(OSError):  # used: another nasloop's write keeps it (a read-only cache: not marked)
            os.utime(where)
        return columns
    columns = make()
    if where is not None and unchanged():
        _save(where, columns)
    return columns


def _load(where: Path) -> Columns | None:
    """The kept columns, or None where there are none or they cannot be read whole (damaged, cut short, edited,
    another entry's, no regular file)."""
    try:
        if not stat.S_ISREG(os.stat(where).st_mode):
            shown = printable(str(where))
            say_note(None, f"the cache entry {shown} is not a regular file, so nasloop cannot keep its table there and "
                     f"makes it again on every run; remove it (rm -r {shlex.quote(shown)})", log, _NOTED, str(where))
            return None
        if not zipfile.is_zipfile(where):
            return None
        refuse_inflated_members(where)
        with np.load(where, allow_pickle=False) as data:
            if KEY not in data.files or data[KEY].shape != () or str(data[KEY]) != where.name:
                return None
            return {name: data[name] for name in data.files if name != KEY}
    except Exception:  # noqa: BLE001 - whatever a damaged cache raises, it is parsed again and rewritten
        return None


def _save(where: Path, columns: Columns) -> None:
    """Write ``columns`` and the entry's name to ``where`` under a partial name, then rename it into place; nothing
    on failure."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        with replaced_by_this_process(where, "part") as partial, open(partial, "wb") as fh:
            np.savez(fh, **columns, **{KEY: np.array(where.name)})
        _remove_others(where)
    except OSError:  # a read-only or missing cache folder, a full disk: the next process parses again
        pass


def _remove_others(where: Path) -> None:
    """Remove the other entries of ``where``'s file: its older versions parsed by the same code, and those of other
    code (another nasloop's, or one named before the code had a part of its own) unused for :data:`UNUSED_DAYS`."""
    same_code, _ = where.stem.rsplit("-", 1)
    place = same_code.rsplit("-", 1)[0]
    unused_since = time.time() - UNUSED_DAYS * 86400
    for other in where.parent.glob(f"{place}-*.npz"):
        with contextlib.suppress(OSError):
            if other != where and (other.stem.startswith(f"{same_code}-") or other.stat().st_mtime < unused_since):
                other.unlink()
