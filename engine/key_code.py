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
def _sources_digest() -> str | None:
    """sha256 of the nasloop package's modules (its folders holding ``__init__.py``, but its tests), read once a
    process (~20 ms); None where they cannot all be read. Not every ``.py`` under the package: README's install
    puts ``.venv`` in the checkout, the package's folder, and its 12,000 files (181 MB) took 0.9 s a command.
    Imported from a zip, or installed without sources, it found no file and gave every nasloop one digest, so a
    resume after an upgrade read keys the older code had computed: none is trusted there instead."""
    root, digest, read = Path(__file__).resolve().parents[1], hashlib.sha256(), 0
    try:
        for path in _modules(root):
            digest.update(path.as_posix().encode() + b"\0" + (root / path).read_bytes() + b"\0")
            read += 1
    except OSError:  # a source this user may not read
        return None
    return digest.hexdigest() if read else None


def _modules(root: Path, at: Path = Path()) -> list[Path]:
    """The ``.py`` files of the package folder ``root / at`` and of its sub-packages, each relative to ``root``."""
    folder = root / at
    if not (folder / "__init__.py").is_file() or at.parts[:1] == ("tests",):
        return []
    found = sorted(folder.iterdir())
    return [at / p.name for p in found if p.suffix == ".py" and p.is_file()] + \
        [module for p in found if p.is_dir() for module in _modules(root, at / p.name)]


def key_code(space: SearchSpace, dedup: str) -> str | None:
    """The digest of the code keying ``space``'s architectures under ``dedup``; None for a plugin's space, or where
    nasloop's sources cannot be read (a zip)."""
    if not defined_by_nasloop(type(space)):
        return None
    sources = _sources_digest()
    if sources is None:
        return None
    kind = f"{type(space).__module__}.{type(space).__qualname__}:{dedup}:"
    return hashlib.sha256((kind + sources).encode()).hexdigest()
