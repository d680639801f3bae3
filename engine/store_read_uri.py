"""The address a reader (``show``, ``export``, ``report``) opens a run's store by, judged from its folder's state:
writable or not, a search writing it or not, a log beside the store or not.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError
from .run_lock import is_being_searched
from .store_empty import reader_uri
from .store_journal import roll_back_hot_journal


def read_only_uri(path: Path) -> str:
    """Where ``show`` and ``export`` read a store. A run kept in a folder this user cannot write (a read-only
    mount, an archive) could not be opened: a reader of a WAL store makes a shared-memory file beside it. With no
    search writing it and no journal beside the store, the file is the whole run and is read as immutable; a live
    search's store is read as usual (its shared-memory file exists), and so is an unmerged journal beside its
    shared-memory file (a run killed, or copied while it ran), which SQLite reads from a read-only folder: it was
    refused, with the advice to copy the folder. Only a journal without that file needs the folder writable. In a
    writable folder, a hot rollback journal rolled back first, it is :func:`.store_empty.reader_uri`'s. A store this
    user cannot write in a folder it can (another user's run in a shared folder) is read as a read-only folder's: a
    ``mode=ro`` reader made the log and shared-memory file there, this user's, and the owner's next write to its
    own run (``search --resume``) failed on them, 'attempt to write a readonly database'."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    unwritable = next((where for where in (path.parent, path) if not os.access(where, os.W_OK)), None)
    if unwritable is None:
        roll_back_hot_journal(path)
        return reader_uri(path)
    if is_being_searched(path.parent):
        return uri
    journal = path.with_name(path.name + "-wal")
    if not journal.exists() or journal.stat().st_size == 0:
        return uri + "&immutable=1"
    if path.with_name(path.name + "-shm").exists():
        return uri
    whose = "" if unwritable == path.parent else "its folder "
    raise DataError(f"{unwritable} cannot be written by this user and {whose}holds the store's unmerged journal "
                    f"({path.name}-wal) without its shared-memory file ({path.name}-shm), which a reader must make; "
                    "copy the run folder somewhere writable and read the copy")
