"""NB101's memos of cell hashes and validated cells keep the cells a long search last used, and no more.

A table-bound evolution hashes about 18 new cells an evaluation (its edits, redrawn until one lands in the table): the
hash memo kept every one up to a million (95 MiB after 5,000 evaluations, 1.1 GB at its bound), and the validation
memo kept a second copy of each cell it checked, up to 131,072 of them.
"""
from __future__ import annotations

import gc
import weakref

import numpy as np

from nasloop.search_spaces.nb101.graph import (MEMO_SIZE, NB101Cell, cell_hash, make_cell, nb101_hash,
                                               remember_hashes, sample_cell)
from nasloop.search_spaces.nb101.space import NB101Space, _validated


def test_the_hash_memo_keeps_only_the_cells_last_remembered():
    # one-node "cells" no real cell equals, so no other test meets the hashes given here; the memo's bound is the same
    cells = [NB101Cell(((i,),), ()) for i in range(MEMO_SIZE + 500)]
    first = [weakref.ref(cell) for cell in cells[:500]]
    remember_hashes(cells, [f"given {i}" for i in range(len(cells))])
    assert [cell_hash(cell) for cell in cells[-3:]] == [f"given {i}" for i in range(len(cells) - 3, len(cells))]
    del cells
    gc.collect()
    assert not any(ref() is not None for ref in first)  # the first 500 remembered are forgotten, and freed


def test_real_cells_hash_alike_once_remembered():
    cells = [sample_cell(np.random.default_rng(seed)) for seed in range(20)]
    assert [cell_hash(cell) for cell in cells] == [nb101_hash(cell) for cell in cells] == [
        cell_hash(NB101Cell(cell.matrix, cell.ops)) for cell in cells]


def test_a_cell_validated_as_built_is_remembered_as_itself():
    space = NB101Space()
    cell = make_cell([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ["conv3x3", "maxpool3x3"])
    _validated.cache_clear()  # an equal cell another test validated first would be the one given back
    assert space.validate(cell) is cell
    numpy_ints = NB101Cell(tuple(tuple(np.int8(v) for v in row) for row in cell.matrix), cell.ops)
    pruned = space.validate(numpy_ints)  # equal to its pruned form, but of numpy ints: given back as make_cell builds
    assert pruned == cell and {type(v) for row in pruned.matrix for v in row} == {int}
