"""A stored trial's architecture and dedup key, as the run's space reads and computes them now.

A store keeps each trial's key (``trials.key``: its exact or functional hash) as the nasloop that evaluated it
computed it. A hash that changed since (DARTS and NDS functional hashes now read a cell's smallest node numbering)
left a resumed run's record under the old keys, so a network evaluated before was evaluated again under its new
key. A resume keys its record by the hash of each stored architecture instead: a parse and a hash per trial.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from ..search_spaces.base import SearchSpace
from .key_code import KEY_CODE
from .parsed_texts import parsed
from .errors import ArchitectureError, DataError, describe_exception, one_line
from .registry import defined_by_nasloop
from .store import RunStore, Trial
from .store_rows import RESTORE
from .store_writes import KEYED_THROUGH, SAVE_KEYED_THROUGH
from .types import Arch


def stored_arch(path: Path, space: SearchSpace, trial_id: int, text: str) -> Arch:
    """The architecture trial ``trial_id`` of the store at ``path`` holds (``text``), read by the run's space. One
    nasloop's own space refuses was edited in the store: damage, not the user's input. A user's space may instead
    have changed how it writes since the run stored the trial, so its line says both fixes."""
    try:
        return parsed(space, text)  # once for the record and the strategy, while a resume loads them
    except Exception as exc:  # a user's space may fail in any way on a string it does not read
        held = one_line(repr(text), 200)  # an edited store may hold any length
        if not defined_by_nasloop(type(space)):
            raise DataError(f"{path}: trial {trial_id} holds {held}, which search space '{space.name}' does not "
                            f"read ({describe_exception(exc)}); its parse must read what its format wrote: if its "
                            "code changed since the run stored the trial, make it read the older form too, and if "
                            "the store was edited, restore it from a backup") from None
        if not isinstance(exc, ArchitectureError):
            raise  # nasloop's spaces refuse a string only as ArchitectureError: anything else is a bug of ours
        raise DataError(f"{path} is damaged: trial {trial_id} holds {held}, not an architecture of {space.name} "
                        f"({one_line(exc, 120)}); {RESTORE}") from None


def readable_arch(path: Path, space: SearchSpace, trial_id: int, text: str) -> Arch | None:
    """:func:`stored_arch`, or None where a user's space does not read ``text``: its format may have changed since
    the run stored it, and a finished trial needs no architecture to be kept (under its stored key, nothing else
    could key it), so only a trial the run evaluates or tells again is refused (:func:`needed_arch`). One of
    nasloop's own spaces, whose strings are known, refuses it as damage."""
    try:
        return stored_arch(path, space, trial_id, text)
    except DataError:
        if defined_by_nasloop(type(space)):
            raise
        return None


def stored_architectures(store: RunStore, space: SearchSpace) -> dict[str, Arch | None]:
    """Every architecture ``store`` holds, by its stored string, read by the run's ``space``
    (:func:`readable_arch`), each distinct string once."""
    return {text: readable_arch(store.path, space, trial_id, text)
            for trial_id, text in store.db.execute("SELECT MIN(id), arch FROM trials GROUP BY arch ORDER BY MIN(id)")}


def needed_arch(path: Path, space: SearchSpace, trial: Trial, stored: dict[str, Arch | None]) -> Arch | None:
    """``trial``'s architecture from ``stored`` (:func:`stored_architectures`); None for a finished, told trial
    whose string the space does not read, and the line :func:`stored_arch` says for any other such trial: the run
    must evaluate it again, or tell it to the strategy, and cannot without its architecture."""
    arch = stored[trial.arch]
    finished = trial.result is not None and trial.told
    return arch if arch is not None or finished else stored_arch(path, space, trial.id, trial.arch)


def current_key(space: SearchSpace, key: Callable[[Arch], str], trial: Trial, path: Path) -> str:
    """``trial``'s key by ``key`` (the run's hash) of its architecture as read from the store at ``path``; its stored
    key where a user's space does not read the string (:func:`readable_arch`)."""
    arch = readable_arch(path, space, trial.id, trial.arch)
    return trial.key if arch is None else key(arch)


def keys_trusted(store: RunStore, code: str | None) -> bool:
    """Whether the stored keys were all computed by ``code`` (:func:`.key_code.key_code`): the run records it, and no
    trial was added after this nasloop's last state. An older nasloop resuming the run records no code and keeps the
    record it found, so its trials were read as this code's: TNB101-micro's functional keys of before its identity's
    fix, 97 networks evaluated twice in a run of 800 under --dedup functional."""
    if code is None or store.get_meta(KEY_CODE) != code:
        return False
    return store.get_meta(KEYED_THROUGH) == store.db.execute("SELECT COALESCE(MAX(id), 0) FROM trials").fetchone()[0]


def record_keys(store: RunStore, changed: dict[int, str], code: str) -> None:
    """Write back the keys a resume hashed anew where they differ from the stored ones (``changed``: trial id ->
    key), and the digest of the code that hashed them (``key_code``), in one transaction: the next resume reads
    them instead of hashing every stored architecture again."""
    with store.writes.single(saves_state=False):
        store.db.executemany("UPDATE trials SET key = ? WHERE id = ?", [(key, i) for i, key in changed.items()])
        store.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY_CODE, json.dumps(code)))
        store.db.execute(SAVE_KEYED_THROUGH)


def space_evaluated_whole(space: SearchSpace, key: Callable[[Arch], str], known: int) -> bool:
    """Whether ``known`` distinct architectures under ``key`` (the run's hash) are every one of ``space``: the rule
    the loop stops by and an idle resume reads a finished run by, one rule so the two never disagree. Only a space
    that declares its size, under exact keys: a functional key counts networks, fewer than the space's architectures,
    so a strategy may yet propose one not seen."""
    size = space.size
    return size is not None and key == space.hash and known >= size
