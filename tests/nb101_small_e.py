"""A data folder holding the shipped NB101 JSON's first three records: the whole table takes seconds to load."""
from __future__ import annotations

import gzip
import json
from pathlib import Path


def first_records(data_dir: Path, count: int = 3) -> list[dict]:
    """The first ``count`` records (hash, matrix, ops, accuracies) of ``data_dir``'s shipped NB101 JSON, read
    without parsing all 30,001."""
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as handle:
        text = handle.read(20_000)
    decoder, found, at = json.JSONDecoder(), [], text.index("{")
    while len(found) < count:
        record, end = decoder.raw_decode(text, at)
        found.append(record)
        at = text.index("{", end)
    return found


def small_nb101(data_dir: Path, folder: Path) -> None:
    """Write ``folder/nasbench101_30k.json.gz`` with the first three records of ``data_dir``'s."""
    with gzip.open(folder / "nasbench101_30k.json.gz", "wt") as handle:
        json.dump(first_records(data_dir), handle)
