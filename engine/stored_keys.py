"""The dedup key of a stored trial, as the run's space computes it now.

A store keeps each trial's key (``trials.key``: its exact or functional hash) as the nasloop that evaluated it
computed it. A hash that changed since (DARTS and NDS functional hashes now read a cell's smallest node numbering)
left a resumed run's record under the old keys, so a network evaluated before was evaluated again under its new
key. A resume keys its record by the hash of each stored architecture instead: a parse and a hash per trial.
"""
from __future__ import annotations

from typing import Callable

from ..search_spaces.base import SearchSpace
from .errors import ArchitectureError
from .registry import defined_by_nasloop
from .store import Trial
from .types import Arch


def current_key(space: SearchSpace, key: Callable[[Arch], str], trial: Trial, arch: Arch | None) -> str:
    """``trial``'s key by ``key`` (the run's hash) of its architecture (``arch``, else parsed from the store); its
    stored key where the space no longer reads what an older version of it wrote (nothing else could key it)."""
    try:
        return key(space.parse(trial.arch) if arch is None else arch)
    except Exception as exc:  # a user's space may fail in any way on a string an older version of it wrote
        if defined_by_nasloop(type(space)) and not isinstance(exc, ArchitectureError):
            raise  # nasloop's spaces refuse a string only as ArchitectureError: anything else is a bug of ours
        return trial.key


def space_evaluated_whole(space: SearchSpace, key: Callable[[Arch], str], known: int) -> bool:
    """Whether ``known`` distinct architectures under ``key`` (the run's hash) are every one of ``space``: the rule
    the loop stops by and an idle resume reads a finished run by, one rule so the two never disagree. Only a space
    that declares its size, under exact keys: a functional key counts networks, fewer than the space's architectures,
    so a strategy may yet propose one not seen."""
    size = space.size
    return size is not None and key == space.hash and known >= size
