"""NAS-Bench-Suite-Zero's published zero-cost proxy scores, for validating our own proxies.

The file is ``zc_proxies_partial.json.gz``: ``{space: {dataset: {naslib_arch_key: {proxy: score,
..., "val_accuracy": v}}}}`` (Krishnakumar et al., NeurIPS 2022 D&B, through NASLib). This module
reads it; each space converts NASLib's keys into its own architectures (NB201:
:mod:`nasloop.search_spaces.nb201.suite_zero`). NASLib publishes one file per space instead,
``zc_<space>.json``: ``{dataset: {str(arch_hash): {proxy: {"score": s, "time": t}, ..., "val_accuracy": v}}}``;
:func:`published_score` reads a proxy's entry in either form.
"""
from __future__ import annotations

import json
import os
import zlib
from functools import lru_cache
from pathlib import Path

from ..errors import DataError
from .paths import FileVersion, file_version, find_file
from .sniff import content_text

ZC_FILE = "zc_proxies_partial.json.gz"
HOW_TO_GET = ("it is NASLib's naslib/data/zc_<space>.json files (zc_nasbench101.json, zc_nasbench201.json, "
              "zc_nasbench301.json, zc_transbench101_micro.json, zc_transbench101_macro.json) from "
              f"github.com/automl/NASLib merged as {ZC_FILE}, one key per space; put it in --data-dir or $NASLOOP_DATA")


def published_score(value: object) -> object:
    """A proxy's score as stored: NASLib's per-space files store ``{"score": s, "time": t}`` (the seconds it
    took), the merged partial file the score alone; anything else (a mapping without a score) is handed on as it is
    for the reader to refuse."""
    return value.get("score", value) if isinstance(value, dict) else value


@lru_cache(maxsize=2)
def read_suite_zero(path: str, version: FileVersion) -> dict:
    """The whole file as {space: {dataset: records}}, read once per file version."""
    try:
        data = json.loads(content_text(path))
    except (OSError, EOFError, zlib.error, ValueError, RecursionError) as exc:  # nesting no benchmark has
        raise DataError(f"{path} is corrupt or truncated ({type(exc).__name__}: {exc}); "
                        f"replace it with a fresh copy ({HOW_TO_GET})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path} does not hold a {{space: {{dataset: ...}}}} mapping; it is not {ZC_FILE}")
    return data


def load_suite_zero(space: str, dataset: str, data_dir: str | os.PathLike | None = None) -> tuple[Path, dict]:
    """The file's path and its records of ``space`` (NASLib's name: nasbench201, ...) on ``dataset``."""
    path = find_file((ZC_FILE,), data_dir, HOW_TO_GET)
    data = read_suite_zero(str(path), file_version(path))
    datasets = data.get(space) or {}
    if dataset not in datasets:
        raise DataError(f"{path} has no {space} '{dataset}' records; it has: {', '.join(sorted(datasets)) or 'none'}")
    records = datasets[dataset]
    if not isinstance(records, dict):
        raise DataError(f"{path}: the {space} '{dataset}' records are not a mapping; replace the file ({HOW_TO_GET})")
    return path, records
