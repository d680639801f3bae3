"""The NB101 cell's other public text forms: the benchmark's matrix and ops, and its graph hash.

NAS-Bench-101's own API (``ModelSpec(matrix, ops)``), NASLib and the shipped 30k JSON write a cell
as its adjacency matrix and op labels, and papers and tables name it by its md5 graph hash. A user
pasting either into ``--arch`` or an archs file was told that node 1 was not ``op(sources)``; the
space's :meth:`parse` now reads both, besides nasloop's own ``op(sources)`` form.
"""
from __future__ import annotations

import ast
import json
import re
from typing import Any, Callable

from ...engine.data.table import row_index
from ...engine.errors import ArchitectureError, DataError, one_line
from .graph import NB101Cell, make_cell, parse_cell

HASH = re.compile(r"[0-9a-fA-F]{32}")
_KEYS = (("matrix", "ops"), ("module_adjacency", "module_operations"))  # NB101 / the shipped JSON, NASLib
_SPEC_FORM = ('{"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]} (the benchmark\'s ModelSpec, '
              "one row per node)")


def parse_text(text: str, by_hash: Callable[[str], NB101Cell]) -> NB101Cell:
    """A cell from any of its text forms; ``by_hash`` resolves a graph hash (through the benchmark table)."""
    if isinstance(text, str):
        stripped = text.strip()
        if HASH.fullmatch(stripped):
            return by_hash(stripped.lower())
        if stripped.startswith("{"):
            return _parse_spec(stripped)
    return parse_cell(text)


def _parse_spec(text: str) -> NB101Cell:
    """The ``{"matrix": ..., "ops": ...}`` form, as JSON or as a Python dict's repr; validated and pruned."""
    spec = _literal(text)
    if isinstance(spec, dict):
        for matrix_key, ops_key in _KEYS:
            if matrix_key in spec and ops_key in spec:
                return make_cell(_checked(spec[matrix_key], text), _checked(spec[ops_key], text))
    raise ArchitectureError(f"NB101 cell {one_line(text, 80)!r} is not a matrix and ops spec: write it as "
                            f"{_SPEC_FORM}, or as op(sources) terms")


def _literal(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:  # a Python repr: single quotes, tuples
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        raise ArchitectureError(f"NB101 cell {one_line(text, 80)!r} is neither JSON nor a Python dict; write it as "
                                f"{_SPEC_FORM}, or as op(sources) terms") from None


def _checked(value: Any, text: str) -> Any:
    """A matrix or op list as a list (a string would be read character by character)."""
    if not isinstance(value, (list, tuple)):
        raise ArchitectureError(f"NB101 cell {one_line(text, 80)!r}: its matrix and ops must be lists, got "
                                f"{type(value).__name__}; write it as {_SPEC_FORM}")
    return value


def lookup_hash(key: str, benchmark: Any) -> NB101Cell:
    """The cell of ``benchmark`` (an NB101 benchmark) whose graph hash is ``key``; the hash names no cell by itself."""
    try:
        row = row_index(benchmark.table, "hash").get(key)
    except DataError as exc:
        raise ArchitectureError(f"{key} is an NB101 graph hash, which names a cell only through the benchmark table, "
                                f"and none could be read ({one_line(exc)}); give the cell as op(sources) terms or "
                                "as its matrix and ops") from None
    if row is None:
        held = len(benchmark.table)
        raise ArchitectureError(f"{key} is the graph hash of no cell in the NB101 table ({held:,} of the 423,624 "
                                "cells); give the cell as op(sources) terms or as its matrix and ops")
    return benchmark.cell(row)
