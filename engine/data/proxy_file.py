"""Reading precomputed proxy files (``<space>-<dataset>-proxies.csv``, written by ``nasloop proxies --out``).

Found in a data folder, such a file's proxies are *stored* ones for that space and dataset (see
:meth:`nasloop.engine.context.RunContext.stored_proxies`). It is read as untrusted input: a
damaged line is named, never skipped.
"""
from __future__ import annotations

import csv
import io
import math
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...search_spaces.base import SearchSpace
from ..errors import ArchitectureError, DataError
from .paths import search_dirs

FIELD_LIMIT = 4096  # characters of one field; an architecture string is far shorter


def file_name(space: str, dataset: str) -> str:
    return f"{space}-{dataset}-proxies.csv"


def find_proxy_file(space: str, dataset: str, data_dir: str | os.PathLike | None) -> Path | None:
    """The precomputed proxy file of ``space`` on ``dataset`` in the data folders, or None."""
    for folder in search_dirs(data_dir):
        if (folder / file_name(space, dataset)).is_file():
            return folder / file_name(space, dataset)
    return None


@lru_cache(maxsize=4)
def _read(path: str, mtime: float, space: SearchSpace) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the proxy file {path} ({exc}); compute it again with 'nasloop proxies "
                        "--all --out FILE'") from None
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header or header[0] != "arch" or len(header) < 2 or len(set(header)) != len(header):
        raise DataError(f"{path} is not a proxy file: its first line must be 'arch,<proxy>,...'")
    scores: dict[str, np.ndarray] = {}
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header) or any(len(field) > FIELD_LIMIT for field in row):
            raise DataError(f"{path} line {line} has {len(row)} fields, not {len(header)}; the file is damaged "
                            "(delete the line and run the same command again to rescore it)")
        try:
            key = space.format(space.parse(row[0]))
            values = np.array([float(v) if v else math.nan for v in row[1:]])
        except (ArchitectureError, ValueError) as exc:
            raise DataError(f"{path} line {line} is not an architecture of '{space.name}' with scores ({exc}); "
                            "the file is damaged or belongs to another space") from None
        scores[key] = values
    return tuple(header[1:]), scores


def read_proxy_file(path: str | os.PathLike, space: SearchSpace) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    """The file's proxy names and ``{canonical arch string: scores}`` (NaN where a proxy failed)."""
    path = Path(path)
    return _read(str(path), path.stat().st_mtime, space)


