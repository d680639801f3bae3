"""The DARTS space and the NDS families share one implementation of a pair cell's canonical order, neighbours and
one-hot encoding (:mod:`nasloop.search_spaces.cell_pairs`), parameterised by DARTS's rule that a node's two inputs
differ: each space had its own copy, which could drift apart."""
from __future__ import annotations

import numpy as np

from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.cell_pairs import canonical_cell, cell_edits, pairs_onehot
from nasloop.search_spaces.darts.genotype import EXAMPLE, OPS, neighbours
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nds.arch import NdsArch

NDS_DARTS = SEARCH_SPACES.get("nds-darts")(widths=[8], depths=[5])


def _reads_one_input_twice(cell: tuple) -> bool:
    return any(cell[i][0] == cell[i + 1][0] for i in range(0, len(cell), 2))


def test_darts_neighbours_are_the_nds_darts_familys_less_a_node_reading_one_input_twice():
    darts = [(c, a[c]) for a in neighbours(EXAMPLE) for c in (0, 1) if a[c] != EXAMPLE[c]]
    assert darts == cell_edits(EXAMPLE, len(OPS), distinct_inputs=True)
    family = [(c, a[c]) for a in NDS_DARTS.neighbours(NdsArch(*EXAMPLE, 8, 5)) for c in (0, 1) if a[c] != EXAMPLE[c]]
    assert family == cell_edits(EXAMPLE, len(OPS), distinct_inputs=False)
    assert [edit for edit in family if not _reads_one_input_twice(edit[1])] == darts  # the one rule they differ by


def test_both_spaces_encode_cells_with_the_shared_one_hot_of_their_canonical_pairs():
    swapped = (EXAMPLE[0][1::-1] + EXAMPLE[0][2:], EXAMPLE[1])
    cells = tuple(canonical_cell(cell) for cell in swapped)
    assert cells == tuple(canonical_cell(cell) for cell in EXAMPLE) != swapped
    expected = pairs_onehot(cells, 4, len(OPS))
    assert np.array_equal(DartsSpace().encode(swapped, "onehot"), expected)
    assert np.array_equal(NDS_DARTS.encode(NdsArch(*swapped, 8, 5), "onehot")[:expected.size], expected)
