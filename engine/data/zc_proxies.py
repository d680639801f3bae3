"""NAS-Bench-Suite-Zero's published zero-cost proxy scores, for validating our own proxies.

The file is ``zc_proxies_partial.json.gz``: ``{space: {dataset: {naslib_arch_key: {proxy: score,
..., "val_accuracy": v}}}}`` (Krishnakumar et al., NeurIPS 2022 D&B, through NASLib). NB201 keys
are NASLib op-index tuples such as ``"(0,2,3,2,3,1)"`` in NASLib's op numbering and edge order;
they are converted to our cells and checked against the record's ``arch_str``, so a mix-up of
the two conventions fails loudly instead of silently scrambling the comparison.
"""
from __future__ import annotations

import gzip
import json
import os
import zlib
from functools import lru_cache
from pathlib import Path

from ...search_spaces.nb201 import NB201Space, from_naslib
from ..errors import ArchitectureError, DataError
from .paths import find_file

ZC_FILE = "zc_proxies_partial.json.gz"
HOW_TO_GET = ("it is NASLib's naslib/data/zc_nasbench201.json (and siblings) from github.com/automl/NASLib "
              f"merged as {ZC_FILE}; put it in --data-dir or $NASLOOP_DATA")
NB201_SPACE = "nasbench201"


@lru_cache(maxsize=2)
def _read(path: str, mtime: float) -> dict:
    try:
        with gzip.open(path, "rt") as fh:
            data = json.load(fh)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise DataError(f"{path} is corrupt or truncated ({type(exc).__name__}: {exc}); "
                        f"replace it with a fresh copy ({HOW_TO_GET})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path} does not hold a {{space: {{dataset: ...}}}} mapping; it is not {ZC_FILE}")
    return data


def load_nb201_zc(dataset: str = "cifar10",
                  data_dir: str | os.PathLike | None = None) -> dict[tuple[int, ...], dict[str, float]]:
    """NAS-Bench-Suite-Zero's NB201 records for ``dataset``: our cell -> {proxy or "val_accuracy": value}."""
    path = find_file((ZC_FILE,), data_dir, HOW_TO_GET)
    data = _read(str(path), Path(path).stat().st_mtime)
    datasets = data.get(NB201_SPACE) or {}
    if dataset not in datasets:
        raise DataError(f"{path} has no NB201 '{dataset}' records; it has: {', '.join(sorted(datasets)) or 'none'}")
    space = NB201Space()
    out: dict[tuple[int, ...], dict[str, float]] = {}
    for key, record in datasets[dataset].items():
        try:
            cell = from_naslib([int(t) for t in key.strip("()").split(",")])
            if "arch_str" in record and space.parse(record["arch_str"]) != cell:
                raise DataError(f"{path}: NB201 key {key} and its arch_str {record['arch_str']} disagree; "
                                "the file is not in NASLib's convention")
        except (ValueError, ArchitectureError) as exc:
            raise DataError(f"{path}: bad NB201 key {key!r} ({exc}); replace the file ({HOW_TO_GET})") from None
        # a proxy NASLib could not compute is stored as null; leave it out
        out[cell] = {k: float(v) for k, v in record.items() if k != "arch_str" and v is not None}
    return out
