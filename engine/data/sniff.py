"""Recognising benchmark files by their content, not their names.

``nasloop data import`` is given files users downloaded under whatever names; each benchmark
recognises its formats from the first bytes (decompressed when gzipped), so a file of another
benchmark is named as such instead of failing half-way through an import.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

HEAD_BYTES = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_PICKLE_PROTOCOL = 0x80  # protocols 2+ start with PROTO


def head_bytes(path: str | Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file's content, gunzipped if it is gzip; b"" if unreadable."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(size)
        if raw.startswith(_GZIP_MAGIC):
            with gzip.open(path, "rb") as fh:
                return fh.read(size)
        return raw
    except (OSError, EOFError, zlib.error):
        return b""


def head_text(path: str | Path, size: int = HEAD_BYTES) -> str:
    """:func:`head_bytes` as text (undecodable bytes replaced: a binary file simply matches no format)."""
    return head_bytes(path, size).decode("utf-8", errors="replace")


def is_pickle(path: str | Path) -> bool:
    """Whether the file (gunzipped) starts like a binary pickle."""
    head = head_bytes(path, 2)
    return len(head) == 2 and head[0] == _PICKLE_PROTOCOL and 2 <= head[1] <= 5
