"""A benchmark's table file found in the data folders: refused when it is nasloop's table of another benchmark, and
loaded once per process and file version.

Each space had its own ``lru_cache``'d (path, mtime) loader with its own branch for nasloop's ``.npz``; now a
benchmark says only how it reads its public files (:meth:`~.benchmark.Benchmark.read_source`), and a space whose
own table needs a check beyond loading extends :meth:`~.benchmark.Benchmark.read_table`.
"""
from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.data.paths import FileVersion
from ..engine.data.table import Table
from ..engine.errors import DataError, NasloopError
from ..engine.registry import BENCHMARKS

if TYPE_CHECKING:
    from .benchmark import Benchmark


@lru_cache(maxsize=16)
def fidelities_in(table: Table, task: str) -> list[int]:
    """The fidelities with ``<task>@<epochs>:val_accuracy`` columns in ``table``, ascending (memoised per table)."""
    return sorted({int(c.split("@")[1].split(":")[0]) for c in table.columns
                   if c.startswith(f"{task}@") and c.endswith(":val_accuracy")})


@lru_cache(maxsize=16)  # the five spaces' own caches held 16 tables in all
def load_table(kind: type[Benchmark], path: str, version: FileVersion) -> Table:
    """``kind``'s table in ``path`` (:meth:`Benchmark.read_table`), read once per process and file version: the
    version (``paths.file_version``) is part of the key, so a file rewritten or replaced since is read again, and one
    that failed to read (damaged, or another benchmark's) is not kept, so it fails again with the same line."""
    return kind.read_table(Path(path))


def refuse_another_table(kind: type[Benchmark], path: Path) -> None:
    """One line for nasloop's table of another benchmark found under ``kind``'s file name (renamed or copied there):
    read as this benchmark's, NB101, NB301 and NDS raised a KeyError on a column it lacks, and TNB101-macro
    answered every lookup of micro's table with a failed evaluation."""
    if not zipfile.is_zipfile(path) or kind.recognise(path) is not None:
        return  # a public file, or a table of this benchmark (or of one it derives from): its metadata read once
    written = Table.peek_meta(path).get("benchmark")
    if isinstance(written, str):
        try:  # where it belongs, as a public file under another's name is named with the name it is read under
            name = BENCHMARKS.get(written).read_under(path)
        except NasloopError:  # a benchmark of a plugin not loaded here: its file name is not known
            name = None
        belongs = f" (nasloop reads it as {name} for the {written} benchmark: give it that name)" if name else ""
        raise DataError(f"{path} is nasloop's table of the {written} benchmark, not of {kind.name} (renamed or "
                        f"copied under {kind.name}'s file name); move it away{belongs}, or replace it with a "
                        f"{kind.name} table ('nasloop data import', see the README's 'Data' section)")
