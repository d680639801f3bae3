"""Writing an imported table where a table already is: nothing the one there holds is lost without being asked.

``nasloop data import`` of a NASLib pickle of three cells into a folder holding the full NB201 table wrote over
it, said "replaced", and the 15,625 cells were gone. An import that would lose architectures or results of the
table there is refused unless ``--replace`` is given: architectures compared by key and values column by
column, since one of as many other cells (or of the same cells with fewer values) lost as much; the refusal names
both sizes, an example of what is lost, and how to keep the old one. So is one into a folder whose searches read a
public file directly (the shipped NB201 CSV): the new table, found first, would be read instead of it.
"""
from __future__ import annotations

import errno
import os
import shlex
from pathlib import Path
from typing import Callable, Hashable, Sequence

import numpy as np

from ..errors import ConfigError, DataError, NasloopError
from ..registry import BENCHMARKS
from .importing import import_benchmark_files
from .rewrites import import_rewritten
from .table import Table

Identities = Callable[[Table], Sequence[Hashable] | None]
"""A benchmark's :meth:`~nasloop.search_spaces.benchmark.Benchmark.row_identities`."""


def _measured(table: Table) -> list[str]:
    """The columns holding the benchmark's numbers (``<dataset>@<fidelity>:<metric>``, ``<dataset>:proxy:<name>``),
    not those an import computes for every architecture (params, FLOPs)."""
    return [name for name in table.columns if "@" in name or ":proxy:" in name]


def _keys(table: Table, other: Table, identities: Identities) -> np.ndarray:
    """Each row's architecture: its network as the benchmark identifies it (``identities``: the NDS cells' functional
    form, where a network written in another numbering of its nodes was counted lost), else the key column its
    metadata names where both tables have it, else the row itself (NB201's tables of some cells have no index
    column; every NB201 table keeps one row per cell code)."""
    identity = identities(table)
    if identity is not None:
        return np.asarray(identity)
    key = table.meta.get("key")
    if key in table.columns and key in other.columns and table.columns[key].ndim == 1:
        return table.columns[key]
    return np.arange(len(table))


def _finite(values: np.ndarray) -> np.ndarray:
    """Which rows have a value (NaN marks a missing one)."""
    if values.dtype.kind not in "fc":
        return np.ones(len(values), dtype=bool)
    return np.isfinite(values.reshape(len(values), -1)).all(axis=1)


def _matching_rows(old: Table, new: Table, identities: Identities) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``old``: the row of ``new`` keyed alike, and whether there is one (sorted lookups: no
    per-row Python, 30,001 NB101 hashes match in milliseconds)."""
    old_keys, new_keys = _keys(old, new, identities), _keys(new, old, identities)
    if len(new_keys) == 0:
        return np.zeros(len(old_keys), dtype=np.int64), np.zeros(len(old_keys), dtype=bool)
    order = np.argsort(new_keys, kind="stable")
    at = np.minimum(np.searchsorted(new_keys[order], old_keys), len(order) - 1)
    return order[at], new_keys[order[at]] == old_keys


def lost_by_replacing(benchmark: str, old: Table, new: Table, values: bool = True) -> str | None:
    """What ``old``, a table of ``benchmark``'s, holds that ``new`` lacks, in words, or None: architectures (by key,
    not only how many: a table of as many other cells lost them all), results (a task, a fidelity, a proxy) it has no
    column of, or, with ``values``, an architecture's value in a column (NaN in ``new`` where ``old`` has a number).
    A merge, whose later files override the cells they cover by design, is checked without ``values``."""
    kind = BENCHMARKS.get(benchmark)
    row_text = kind.row_text
    rows, found = _matching_rows(old, new, kind.row_identities)
    old_held = old.held_rows()
    kept = found & new.held_rows()[rows]
    lacking = np.flatnonzero(old_held & ~kept)
    if len(lacking):
        return (f"holds {old.held():,} architectures and the import ({new.meta.get('source')}) {new.held():,}, "
                f"lacking {len(lacking):,} of them (such as {row_text(old, int(lacking[0]))})")
    missing = [name for name in _measured(old) if name not in new.columns]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        return f"holds results the import lacks (column '{missing[0]}'{more})"
    if not values:
        return None
    for name in _measured(old):
        had = old_held & _finite(old.columns[name])
        gone = np.flatnonzero(had & ~_finite(new.columns[name])[rows])
        if len(gone):
            return (f"holds results the import lacks (column '{name}': {len(gone):,} of its {int(had.sum()):,} "
                    f"values, such as that of {row_text(old, int(gone[0]))})")
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


def _rebuilt(old: Table, old_path: Path, files: Sequence[Path]) -> bool:
    """Whether the import is of the table there (or of every file it came from) with files that override some of
    its cells: values those replace were asked to go (NB201's 12-epoch test accuracy of a pickle's cells, as the
    README's CSV-and-pickle import does), architectures and results are still checked."""
    given = {Path(f).resolve() for f in files}
    sources = set(str(old.meta.get("source")).split(" + "))
    return old_path.resolve() in given or sources <= {Path(f).name for f in files}


def _merged(benchmark: str, old: Table, new: Table, files: Sequence[Path]) -> Table | None:
    """What importing ``files``, the table there (``old``) first and then those read as ``new``, would make; None
    where that fails, or keeps nothing of ``old``: where the last file given wins (NB301's proxies) the
    merge is ``new`` itself, and the command was advised although following it lost what the refusal had kept.
    Merged from the tables read already where the benchmark can (its own), else read again."""
    try:
        merged = BENCHMARKS.get(benchmark).merge_tables([old, new])
        if merged is new:
            return None
        return import_benchmark_files(benchmark, files)[0] if merged is None else merged
    except DataError:
        return None


def check_out_folder(folder: Path, given: bool) -> None:
    """Refuse, before any file is read, a folder the table cannot be written in (``given``: by --out, else
    $NASLOOP_DATA or the cache): the whole input was parsed first, to end in 'cannot write the table lp/a/nb201.npz
    (File exists)' for a link leading round in a loop, (Not a directory) for a folder under a file, or (Permission
    denied) for one inside a folder this user may not search (:func:`_closed_folder`)."""
    said = f"--out {folder}" if given else f"the data folder {folder} ($NASLOOP_DATA, or the cache)"
    try:
        folder.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(f"{said} is a symbolic link that leads round in a loop (through links to itself); "
                              "give a folder") from None
        if os.path.islink(folder):  # made by mkdir, it 'exists'
            raise ConfigError(f"{said} is a link to {os.readlink(folder)}, which does not exist; make that folder, "
                              "or give another") from None
        above = next((parent for parent in folder.parents if os.path.lexists(parent)), None)
        if above is not None and not above.is_dir():
            raise ConfigError(f"{said} cannot be made: {above} is a file, not a folder; give a folder") from None
    else:
        if not folder.is_dir():
            raise ConfigError(f"--out {folder} is a file; give the folder to write the table in" if given else
                              f"{said}: {folder} is a file, not a folder; give --out a folder, or point "
                              "$NASLOOP_DATA at one")
    closed = _closed_folder(folder)
    if closed is not None:
        raise ConfigError(f"{said} cannot be written: your user may not search or write in the folder {closed} "
                          f"(permission denied); give it search and write permission (chmod u+wx {closed}, where it "
                          f"is yours), or give another {'--out' if given else 'folder with --out'}")


def _closed_folder(folder: Path) -> Path | None:
    """The folder on the way to ``folder`` (or ``folder`` itself, or the one it is made in) that this user may not
    search, or may not write in where the table is written: an --out inside a folder that cannot be searched
    looked like one still to be made, and the whole import was parsed to end in the save's 'cannot write the
    table ... (Permission denied)'. None where the way is open (root passes every check)."""
    existing = [f for f in [*reversed(folder.parents), folder] if os.path.lexists(f)]  # none below a closed one
    closed = next((f for f in existing if not os.access(f, os.X_OK)), None)
    if closed is None and existing and not os.access(existing[-1], os.W_OK):
        return existing[-1]
    return closed


def save_imported(benchmark: str, table: Table, files: Sequence[Path], target: Path, replace: bool,
                  space: str) -> str:
    """Write ``table``, imported from ``files`` as ``benchmark``'s, to ``target`` and return the line saying so;
    or refuse in one line where that would lose what the table there holds and ``replace`` is not given, with the
    command that keeps both where the benchmark's import merges the old table with the new files (NB201, NB101,
    NDS, TransNAS; NB301's files each hold a whole table, the last one given winning)."""
    if target.parent.exists() and not target.parent.is_dir():  # $NASLOOP_DATA naming a file: "(File exists)"
        raise DataError(f"cannot write {target}: {target.parent} is a file, not a folder; give --out a folder, or "
                        "point $NASLOOP_DATA at one")
    checked = not replace and len(table) > 0  # an empty import is refused as such, by save
    old_path, old = target, _readable(target) if checked else None
    beside = _served_beside(benchmark, target.parent) if checked and not target.exists() else None
    if beside is not None:
        old_path, old = beside
    lost = None if old is None else lost_by_replacing(benchmark, old, table, values=not _rebuilt(old, old_path, files))
    if lost is not None:
        keep = "" if beside is not None else "move it aside to keep it, or "
        merged = _merged(benchmark, old, table, [old_path, *files])
        if merged is not None and lost_by_replacing(benchmark, old, merged, values=False) is None:
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
    return (f"{'replaced' if replaced else 'wrote'} {saved} ({table.held():,} architectures; from "
            f"{table.meta.get('source')}{found})")


def import_into(benchmark: str, files: Sequence[Path], folder: Path, replace: bool, space: str,
                say: Callable[[str], None]) -> str:
    """``nasloop data import``: ``files`` as ``benchmark``'s table written into ``folder`` (:func:`save_imported`),
    or a file the benchmark reads in another layout written as that file (:func:`import_rewritten`); what each
    file is goes to ``say`` first, and the line saying what was written is returned."""
    rewritten = import_rewritten(benchmark, files, folder, replace, say)
    if rewritten is not None:
        return rewritten
    table, found = import_benchmark_files(benchmark, files)
    for path, what in found:
        say(f"{path}: {what}")
    return save_imported(benchmark, table, files, folder / BENCHMARKS.get(benchmark).table_file, replace, space)
