"""A write cut short for the tests of files written whole or not at all: the real bytes, half of them, then a Ctrl-C."""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any


def save_half_then_interrupt(real_save: Any, obj: Any, f: Any) -> None:
    """``obj`` saved for real, cut at half its bytes in ``f`` (a path, or the file object a checkpoint is streamed
    to), then a Ctrl-C: an interrupt in mid-write."""
    buffer = io.BytesIO()
    real_save(obj, buffer)
    half = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    if isinstance(f, (str, os.PathLike)):
        Path(f).write_bytes(half)
    else:
        f.write(half)
    raise KeyboardInterrupt
