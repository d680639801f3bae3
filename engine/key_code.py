"""Which code computed a run's stored dedup keys, so a resume re-hashes its stored architectures only when it changed.

A store keeps each trial's key (its exact or functional hash) as the nasloop that evaluated it computed it, and a
hash that changed since left a resumed run's record under the old keys (``stored_keys``). So a resume hashed every
stored architecture again: 4.7 s of CPU on a 20,000-trial NB101 run, with nothing changed. A run of one of nasloop's
own spaces records in meta :data:`KEY_CODE` a digest of the code that keys it (nasloop's sources, the space's class
and the dedup mode); a resume that finds the same digest reads the stored keys, and one that finds another (an
upgraded nasloop, a run from before the record) hashes them again as before, writes back the keys that changed and
records the digest, so the next resume reads them. A plugin space's hash may call code anywhere: its runs record
none and are hashed again on every resume. A guided strategy saves the hash of each result it was told beside it,
with this digest, and reads them back by the same rule.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from ..search_spaces.base import SearchSpace
from .registry import defined_by_nasloop

KEY_CODE = "key_code"
"""The meta key of the digest of the code that computed the stored keys."""


@functools.lru_cache(maxsize=1)
def _sources_digest() -> str:
    """sha256 of every source file of the nasloop package but its tests, read once a process (~30 ms)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*.py") if "tests" not in p.relative_to(root).parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key_code(space: SearchSpace, dedup: str) -> str | None:
    """The digest of the code keying ``space``'s architectures under ``dedup``; None for a plugin's space."""
    if not defined_by_nasloop(type(space)):
        return None
    kind = f"{type(space).__module__}.{type(space).__qualname__}:{dedup}:"
    return hashlib.sha256((kind + _sources_digest()).encode()).hexdigest()
