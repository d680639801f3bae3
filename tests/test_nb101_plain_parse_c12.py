"""An NB101 cell's string, and a matrix of plain 0/1 int rows, are checked without numpy: numpy's checks of a 7x7
matrix took over a third of a parse, and a resume parses every stored cell (20,000 in a 20,000-trial guided run).
Anything else (an array, floats, bools, a bad matrix) is read and refused by numpy's checks, in the same words."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.nb101 import graph
from nasloop.search_spaces.nb101.graph import _padded, format_cell, make_cell, parse_cell, sample_cell
from nasloop.search_spaces.nb101.space import NB101Space


@pytest.fixture
def numpy_checks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The matrices handed to numpy's checks (the real ones, each call noted)."""
    seen: list[object] = []
    real = graph._as_matrix
    monkeypatch.setattr(graph, "_as_matrix", lambda matrix: seen.append(matrix) or real(matrix))
    return seen


def test_a_stored_string_and_a_cells_own_matrix_are_checked_without_numpy(numpy_checks: list[object]) -> None:
    rng = np.random.default_rng(3)
    cells = [sample_cell(rng) for _ in range(200)]
    space = NB101Space()
    assert [space.parse(format_cell(cell)) for cell in cells] == cells
    assert [make_cell(cell.matrix, cell.ops) for cell in cells] == cells
    assert numpy_checks == []


def _outcome(matrix: object, ops: list) -> object:
    """The cell ``make_cell`` builds, or the line it refuses the matrix in."""
    try:
        return make_cell(matrix, ops)
    except ArchitectureError as exc:
        return str(exc)


def test_plain_rows_prune_as_an_array_does(numpy_checks: list[object]) -> None:
    """Padded 7-node specs (dead nodes, edges into the output): the pruned cell of the rows is the array's."""
    rng = np.random.default_rng(4)
    for _ in range(200):
        rows, ops = _padded(sample_cell(rng), rng.integers(0, 3, size=5).tolist())
        rows[int(rng.integers(0, 6))][6] ^= 1
        plain = _outcome(rows, ops)
        assert plain == _outcome(np.array(rows), ops)
        assert isinstance(plain, str) or all(type(v) is int for row in plain.matrix for v in row)
    assert len(numpy_checks) == 200 and all(isinstance(m, np.ndarray) for m in numpy_checks)  # only the arrays


@pytest.mark.parametrize("rows", [[[0, 1], [1, 0]], [[0, 2], [0, 0]], [[0, 1, 1], [0, 0, 1]], [[0, True], [0, 0]],
                                  [[0] * 8 for _ in range(8)], [[0, 1.0], [0, 0]]])
def test_any_other_matrix_is_read_or_refused_as_numpy_reads_it(rows: list[list[object]]) -> None:
    ops = ["input", "output"] if len(rows) == 2 else []
    assert _outcome(rows, ops) == _outcome(np.array(rows), ops)
    assert "ragged rows" in _outcome([[0, 1], [0]], ["input", "output"])


def test_a_malformed_string_is_still_refused_in_its_words() -> None:
    with pytest.raises(ArchitectureError, match="is not an earlier node"):
        parse_cell("conv3x3(0)+output(2)")
    with pytest.raises(ArchitectureError, match="has 10 edges after pruning"):
        parse_cell("conv3x3(0)+conv3x3(0,1)+conv3x3(0,1,2)+output(0,1,2,3)")
