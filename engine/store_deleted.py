"""A run folder deleted while its search runs: the store is written back, not lost without a word.

SQLite keeps writing to a store whose file was unlinked (``rm -rf RUN`` while the search goes): every evaluation
lands in a file no name reaches, the search ended 'finished' with its summary printed, and the whole run was gone
the moment the process closed the file ('nasloop show RUN': no nasloop run). The session holds a descriptor of its
own on the store, which tells a deleted file (no link left) from one renamed away (``mv RUN elsewhere``: the run is
whole where it went, and is left there); a deleted one is copied back under its name through SQLite's backup, as
it stands when the session ends, and the search says so in one line.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Iterator

from .errors import DataError
from .stop_reasons import continue_hint
from .store import RunStore


@contextlib.contextmanager
def written_back_if_deleted(store: RunStore) -> Iterator[None]:
    """Within the block, a search session writes ``store``; deleted meanwhile, it is written back at its path as the
    block ends. Ended normally, the block then raises a DataError saying so (the run is whole, with how to go on);
    ended by an exception (a Ctrl-C), that exception goes on, the run written back for its resume hint."""
    handle = os.open(store.path, os.O_RDONLY)
    try:
        yield
    except BaseException:
        if _deleted(handle):
            _write_back(store)
        raise
    finally:
        deleted = _deleted(handle)
        os.close(handle)
    if deleted:
        _write_back(store)
        where = store.path.parent
        then = (f"'nasloop show {where}' summarises it" if store.get_meta("status") == "finished"
                else continue_hint(str(where)))
        raise DataError(f"the run store {store.path} was deleted while the search ran; it was written back there "
                        f"whole, every evaluation in it: {then}")


def _deleted(handle: int) -> bool:
    return os.fstat(handle).st_nlink == 0


def _write_back(store: RunStore) -> None:
    """Copy the open store to its path (its folder made again), whole or not at all."""
    partial = store.path.with_name(f".{store.path.name}.written-back")
    try:
        store.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            store.db.backup(copy)
        os.replace(partial, store.path)
    except (OSError, sqlite3.Error) as exc:
        raise DataError(f"the run store {store.path} was deleted while the search ran, and could not be written "
                        f"back ({exc}): its evaluations are lost") from None
