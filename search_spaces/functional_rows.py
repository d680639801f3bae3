"""A table's rows by the network each holds, for the spaces whose cells write one network in several forms.

A DARTS-style cell (NB301's, the NDS families') may number two nodes neither of which reads the other
either way, and list a node's two inputs in either order: the same network (:mod:`.cell_numbering`).
A table keeps each row under one written form, its file's; looked up by that string alone, every
other form of the network missed its row (a failed lookup, NaN stored proxies). Both tables index
their rows here by the form the space's functional hash formats, one index per loaded table.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

from ..engine.data.table import Table


@lru_cache(maxsize=16)
def functional_rows(table: Table, functional_forms: Callable[[Table], Iterable[str]]) -> dict[str, int]:
    """``{functional form: row}`` of ``table``, ``functional_forms`` giving each row's network's form in row order
    (a module function or a class's method, so that the index is built once per table and space). Of two rows of
    one network the first is found."""
    rows: dict[str, int] = {}
    for row, form in enumerate(functional_forms(table)):
        rows.setdefault(form, row)
    return rows
