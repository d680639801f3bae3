"""A cell space's ``encode_many`` refuses what ``encode`` refuses, in the same line: a Python float inside a tuple
was read as int() reads it (1.5 as op 1) by the vectorised one-hot, where encode refused it; and encode itself took
a float cell from the check's cache wherever its int twin had been checked before (1.0 equals 1 and hashes alike)."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.nb201.space import NB201Space

CELL = (1, 2, 3, 0, 2, 1)  # its last op 1: a float 1.0 there is its twin


@pytest.mark.parametrize("odd", [1.5, 1.0, np.float64(1.0)])
@pytest.mark.parametrize("kind", ["onehot", "path"])
def test_encode_many_refuses_a_float_op_in_encodes_words(odd, kind):
    space = NB201Space()
    space.encode(CELL, kind)  # its int twin checked (and cached) first
    bad = CELL[:5] + (odd,)
    with pytest.raises(ArchitectureError) as refused_one:
        space.encode(bad, kind)
    with pytest.raises(ArchitectureError) as refused_many:
        space.encode_many([CELL, bad], kind)
    assert str(refused_many.value) == str(refused_one.value)
    assert str(refused_one.value).startswith(f"{bad!r} is not a cell of this space: expected 6 op indices")


def test_encode_many_takes_what_encode_takes():
    """Ints of any kind (numpy's, a bool), lists and an array of cells encode as the tuples of Python ints do."""
    space = NB201Space()
    rows = [CELL, tuple(np.int64(op) for op in CELL), [True, 2, 3, 0, 2, 1], list(CELL)]
    expected = np.stack([space.encode(CELL, "onehot")] * len(rows))
    assert np.array_equal(space.encode_many(rows, "onehot"), expected)
    assert np.array_equal(space.encode_many(np.array([CELL] * 3), "onehot"), expected[:3])
    assert [space.encode(row, "onehot").tolist() for row in rows] == expected.tolist()
