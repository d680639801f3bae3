"""Writing an imported table where a table already is: nothing the one there holds is lost without being asked.

``nasloop data import`` of a NASLib pickle of three cells into a folder holding the full NB201 table wrote over
it, said "replaced", and the 15,625 cells were gone. An import that would lose architectures or results of the
table there is refused unless ``--replace`` is given; the refusal names both sizes and how to keep the old one. So
is one into a folder whose searches read a public file directly (the shipped NB201 CSV): the new table, found
first, would be read instead of it.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Sequence

from ..errors import DataError, NasloopError
from ..registry import BENCHMARKS
from .importing import import_benchmark_files
from .table import Table


def _measured(table: Table) -> list[str]:
    """The columns holding the benchmark's numbers (``<dataset>@<fidelity>:<metric>``, ``<dataset>:proxy:<name>``),
    not those an import computes for every architecture (params, FLOPs)."""
    return [name for name in table.columns if "@" in name or ":proxy:" in name]


def lost_by_replacing(old: Table, new: Table) -> str | None:
    """What ``old`` holds that ``new`` lacks, in words, or None: fewer architectures, or results (a task, a
    fidelity, a proxy) it has no column of."""
    if new.held() < old.held():
        return f"holds {old.held():,} architectures and the import ({new.meta.get('source')}) {new.held():,}"
    missing = [name for name in _measured(old) if name not in new.columns]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        return f"holds results the import lacks (column '{missing[0]}'{more})"
    return None


def _readable(path: Path) -> Table | None:
    """The table at ``path``, or None where there is none or it cannot be read (nothing a search could read)."""
    if not path.is_file():
        return None
    try:
        return Table.load(path)
    except DataError:
        return None


def _served_beside(benchmark: str, folder: Path) -> tuple[Path, Table] | None:
    """The public file in ``folder`` that ``benchmark``'s searches read directly there (no table imported yet), and
    its table; None where the folder serves none. A folder without files is not asked (the benchmark would look
    through $NASLOOP_DATA and the cache too, loading a table from elsewhere)."""
    if not folder.is_dir() or not any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir()):
        return None
    try:
        table = BENCHMARKS.get(benchmark)(folder).table
    except (NasloopError, OSError):  # none found, or one unreadable: nothing a search reads
        return None
    source = folder / str(table.meta.get("source"))
    return (source, table) if source.is_file() else None


def save_imported(benchmark: str, table: Table, files: Sequence[Path], target: Path, replace: bool,
                  space: str) -> str:
    """Write ``table``, imported from ``files`` as ``benchmark``'s, to ``target`` and return the line saying so;
    or refuse in one line where that would lose what the table there holds and ``replace`` is not given, with the
    command that keeps both where the benchmark's import merges the old table with the new files (NB201, NB101,
    NDS; TransNAS's and NB301's files each hold a whole table, the last one given winning)."""
    if target.parent.exists() and not target.parent.is_dir():  # $NASLOOP_DATA naming a file: "(File exists)"
        raise DataError(f"cannot write {target}: {target.parent} is a file, not a folder; give --out a folder, or "
                        "point $NASLOOP_DATA at one")
    checked = not replace and len(table) > 0  # an empty import is refused as such, by save
    old_path, old = target, _readable(target) if checked else None
    beside = _served_beside(benchmark, target.parent) if checked and not target.exists() else None
    if beside is not None:
        old_path, old = beside
    lost = lost_by_replacing(old, table) if old is not None else None
    if lost is not None:
        keep = "" if beside is not None else "move it aside to keep it, or "
        try:  # only here, where the import is refused: it reads the files again
            merged, _ = import_benchmark_files(benchmark, [old_path, *files])
        except DataError:
            merged = None
        if merged is not None and lost_by_replacing(old, merged) is None:
            command = shlex.join(["nasloop", "data", "import", "--space", space, *map(str, [old_path, *files]),
                                  "--out", str(target.parent)])  # quoted: a folder with a space split in two
            keep = f"keep it by importing it first ('{command}': later files override it on the cells they cover), or "
        if beside is not None:
            raise DataError(f"{old_path} {lost}: written beside it, {target.name} would be read instead; {keep}give "
                            "--replace to write it")
        raise DataError(f"{old_path} {lost}: writing the import over it would lose them; {keep}give --replace to "
                        "replace it")
    replaced = target.exists()  # said, since runs on the earlier table read this one when resumed
    saved = table.save(target)
    found = f"; {table.meta['found']}" if table.meta.get("found") else ""
    return (f"{'replaced' if replaced else 'wrote'} {saved} ({table.held()} architectures; from "
            f"{table.meta.get('source')}{found})")
