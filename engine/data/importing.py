"""``nasloop data import``: hand each file to the benchmark it belongs to, judged by its content.

A file given for the wrong space is named with the benchmark it does belong to, so importing
``transnas101_val.json.gz`` with ``--space nb101`` says which ``--space`` to use instead of
failing half-way with a parser error.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..errors import DataError, NasloopError
from ..registry import BENCHMARKS, SEARCH_SPACES
from .table import Table


def _spaces_of(benchmark: str) -> list[str]:
    """The search spaces tabulated by ``benchmark``."""
    found = []
    for name in SEARCH_SPACES.names():
        try:
            if getattr(SEARCH_SPACES.get(name), "benchmark", None) == benchmark:
                found.append(name)
        except NasloopError:  # a broken plugin tabulates nothing
            continue
    return found


def _owner(path: Path, besides: str) -> tuple[str, str] | None:
    """(benchmark, what the file is) for another registered benchmark that recognises ``path``."""
    for name in BENCHMARKS.names():
        if name == besides:
            continue
        try:
            what = BENCHMARKS.get(name).recognise(path)
        except NasloopError:
            continue
        if what:
            return name, what
    return None


def import_benchmark_files(benchmark: str, files: Sequence[Path]) -> tuple[Table, list[tuple[Path, str]]]:
    """The table ``benchmark`` builds from ``files``, and what each file was recognised as."""
    factory = BENCHMARKS.get(benchmark)
    found: list[tuple[Path, str]] = []
    for path in map(Path, files):
        if not path.is_file():
            raise DataError(f"{path} does not exist; give the path of a {benchmark} data file ({factory.formats})")
        what = factory.recognise(path)
        if what is None:
            other = _owner(path, benchmark)
            if other is not None:
                spaces = " or ".join(f"--space {s}" for s in _spaces_of(other[0])) or f"the {other[0]} benchmark"
                raise DataError(f"{path} is {other[1]}, data of the {other[0]} benchmark, not {benchmark}; "
                                f"import it with {spaces}")
            raise DataError(f"{path} is not a {benchmark} data file; the {benchmark} benchmark reads "
                            f"{factory.formats}")
        found.append((path, what))
    return factory.import_files([p for p, _ in found]), found
