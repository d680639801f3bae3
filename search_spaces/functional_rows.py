"""A table's rows by the network each holds, for the spaces whose cells write one network in several forms.

A DARTS-style cell (NB301's, the NDS families') may number two nodes neither of which reads the other
either way, and list a node's two inputs in either order: the same network (:mod:`.cell_numbering`).
A table keeps each row under one written form, its file's; looked up by that string alone, every
other form of the network missed its row (a failed lookup, NaN stored proxies). Both tables index
their rows here by the form the space's functional hash formats, one index per loaded table, and
hold one row per network (:func:`one_row_per_network`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

from ..engine.data.repeated_rows import mean_of_repeats
from ..engine.data.table import Table

FormsOf = Callable[[Table], Iterable[str]]


@lru_cache(maxsize=16)
def forms_of(table: Table, functional_forms: FormsOf) -> tuple[str, ...]:
    """Each row's functional form, computed once per table and space: the table's load, its index and an import's
    check of what replacing it loses read them (5,000 NDS rows take about 2 s)."""
    return tuple(functional_forms(table))


def one_row_per_network(table: Table, functional_forms: FormsOf) -> Table:
    """``table`` with the rows of one network (another numbering of its nodes: two trainings of it) made one row,
    the mean of theirs (:func:`..engine.data.repeated_rows.mean_of_repeats`): :func:`functional_rows` found the
    first row alone, and the other training went unused, silently. A benchmark reads its tables through this."""
    return mean_of_repeats(table, forms_of(table, functional_forms))


@lru_cache(maxsize=16)
def functional_rows(table: Table, functional_forms: FormsOf) -> dict[str, int]:
    """``{functional form: row}`` of ``table``, ``functional_forms`` giving each row's network's form in row order
    (a module function or a class's method, so that the index is built once per table and space). A table read
    through :func:`one_row_per_network` holds each network once; of two rows of one network, the first is found."""
    rows: dict[str, int] = {}
    for row, form in enumerate(forms_of(table, functional_forms)):
        rows.setdefault(form, row)
    return rows
