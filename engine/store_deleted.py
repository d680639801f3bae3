"""A run folder deleted while its search runs: the store is written back, not lost without a word.

SQLite keeps writing to a store whose file was unlinked (``rm -rf RUN`` while the search goes): every evaluation
lands in a file no name reaches, the search ended 'finished' with its summary printed, and the whole run was gone
the moment the process closed the file ('nasloop show RUN': no nasloop run). The session holds a descriptor of its
own on the store, which tells a deleted file (no link left) from one renamed away (``mv RUN elsewhere``: the run is
whole where it went, and is left there); a deleted one is copied back under its name through SQLite's backup, as
it stands when the session ends, and the search says so in one line. Something put at its path meanwhile (``rm -rf
RUN; cp -r OTHER RUN``: the user replaced the run on purpose) is left as it is, never overwritten: the session's
store goes to a new folder beside it instead (``RUN.written-back``), and the line says where. A study's run written
back at its own path is whole where the study reads it: the study says so in a note and goes on (:class:`WrittenBack`).
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator

from .errors import DataError
from .stop_reasons import continue_hint
from .store import RunStore


class WrittenBack(DataError):
    """A store deleted while its search ran, written back: ``in_place`` where it is whole at its own path again (a
    study reads it there, so that run is not a failed one), else set beside it; ``status`` is its run's, as written."""

    def __init__(self, message: str, in_place: bool, status: str | None) -> None:
        super().__init__(message)
        self.in_place, self.status = in_place, status


@contextlib.contextmanager
def written_back_if_deleted(store: RunStore) -> Iterator[None]:
    """Within the block, a search session writes ``store``; deleted meanwhile, it is written back at its path as the
    block ends. Ended normally, the block then raises a DataError saying so (the run is whole, with how to go on);
    ended by an exception (a Ctrl-C), that exception goes on, the run written back for its resume hint, unless the
    store went to a new folder (its path taken meanwhile): the hint would resume what the user put there, so the
    DataError that says where it went takes its place. A store reached through a symlink (a run resumed through a
    link to another's store) is written back where the link leads, which is the file deleted."""
    home = Path(os.path.realpath(store.path))
    handle = os.open(home, os.O_RDONLY)
    try:
        yield
    except BaseException:
        if _deleted(handle) and (path := _write_back(store, home)) != home:
            raise _written_back(store, home, path) from None
        raise
    finally:
        deleted = _deleted(handle)
        os.close(handle)
    if deleted:
        raise _written_back(store, home, _write_back(store, home))


def _written_back(store: RunStore, home: Path, path: Path) -> WrittenBack:
    """The line for a store deleted at ``home`` and written to ``path`` (``home`` itself, or a new folder)."""
    where = store.path.parent if path == home else path.parent
    status = store.get_meta("status")
    then = f"'nasloop show {where}' summarises it" if status == "finished" else continue_hint(str(where))
    if path == home:
        return WrittenBack(f"the run store {home} was deleted while the search ran; it was written back there whole, "
                           f"every evaluation in it: {then}", True, status)
    return WrittenBack(f"the run store {home} was deleted while the search ran, and something else was put there, "
                       f"which is left as it is; the search's store was written to {path}, every evaluation in it: "
                       f"{then}", False, status)


def _deleted(handle: int) -> bool:
    return os.fstat(handle).st_nlink == 0


def _write_back(store: RunStore, home: Path) -> Path:
    """Copy the open store to ``home`` (its folder made again), whole or not at all, and return where it went: a
    new folder beside ``home``'s where something now stands there (a file, or a store the user put there)."""
    try:
        with contextlib.suppress(FileExistsError):  # a file where the run folder was: the store goes beside it
            home.parent.mkdir(parents=True, exist_ok=True)
            if _copied_to(store, home):
                return home
        aside = _new_folder_beside(home.parent) / home.name
        _copied_to(store, aside)
        return aside
    except (OSError, sqlite3.Error) as exc:
        raise DataError(f"the run store {home} was deleted while the search ran, and could not be written "
                        f"back ({exc}): its evaluations are lost") from None


def _new_folder_beside(folder: Path) -> Path:
    """A folder made now beside ``folder``: ``NAME.written-back``, else ``NAME.written-back2`` and on."""
    number = 1
    while True:
        aside = folder.with_name(f"{folder.name}.written-back{number if number > 1 else ''}")
        try:
            aside.mkdir()
            return aside
        except FileExistsError:
            number += 1


def _copied_to(store: RunStore, path: Path) -> bool:
    """Copy the open store to ``path`` unless something stands there: False then, and nothing is overwritten.

    The copy is linked in, which fails where anything is there; a file system without hard links gets it renamed
    in where nothing is (the gap between that look and the rename is the one place a race could overwrite)."""
    partial = path.with_name(f".{path.name}.written-back")
    try:
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            store.db.backup(copy)
        try:
            os.link(partial, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (a FAT or some network file system)
            if os.path.lexists(path):
                return False
            os.replace(partial, path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
