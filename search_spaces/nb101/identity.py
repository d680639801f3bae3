"""A cell's NB101 graph hash, computed once per cell and process.

The iterative-md5 hash is the benchmark's lookup key and, being isomorphism-invariant, the
space's identity of a cell; the loop and the strategies ask for it constantly, and it costs about
0.1 ms. Tables already carry the hash of each of their cells, so loading one seeds the memo.
"""
from __future__ import annotations

from typing import Sequence

from .graph import NB101Cell, nb101_hash

MEMO_LIMIT = 1 << 20  # about 1M cells (the whole space is 423,624): a bound, not a working size
_MEMO: dict[NB101Cell, str] = {}


def cell_hash(cell: NB101Cell) -> str:
    """The benchmark's hash of ``cell``, memoised."""
    key = _MEMO.get(cell)
    if key is None:
        if len(_MEMO) >= MEMO_LIMIT:
            _MEMO.clear()
        key = _MEMO[cell] = nb101_hash(cell)
    return key


def remember_hashes(cells: Sequence[NB101Cell], hashes: Sequence[str]) -> None:
    """Seed the memo with hashes a table already holds for its cells."""
    if len(_MEMO) + len(cells) >= MEMO_LIMIT:
        _MEMO.clear()
    _MEMO.update(zip(cells, hashes))
