"""The live form of every cell is worked out once per spec and process (cell_space.live_indices), where each load of
a Suite-Zero proxy file worked out NB201's 15,625 again (about 0.55 s CPU of a 1.25 s load), and
cells_without_path a second time. The cached array is read-only, being shared."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from nasloop.search_spaces.cell_space import cell_index, cells_without_path, live_cell, live_indices, without_path
from nasloop.search_spaces.nb201.benchmark import SUITE_ZERO
from nasloop.search_spaces.nb201.cell import SPEC
from nasloop.search_spaces.suite_zero_csv import load_proxy_file


def test_live_indices_are_each_cells_live_form_computed_once():
    cells = [tuple(int(op) for op in cell) for cell in np.ndindex(*(len(SPEC.ops),) * len(SPEC.edges))]
    live = live_indices(SPEC)
    assert live.tolist() == [cell_index(SPEC, live_cell(SPEC, cell)) for cell in cells]
    assert live_indices(SPEC) is live  # not worked out again
    assert cells_without_path(SPEC).tolist() == [without_path(SPEC, cell) for cell in cells]
    with pytest.raises(ValueError):  # shared by every caller: none may change it
        live[0] = 1
    with pytest.raises(ValueError):
        cells_without_path(SPEC)[0] = True


def test_two_copies_of_the_proxy_file_load_alike(tmp_path, data_dir):
    first = SUITE_ZERO.find(str(data_dir))
    second = Path(shutil.copy(first, tmp_path / first.name))
    one = load_proxy_file(SUITE_ZERO, str(first), first.stat().st_mtime)
    two = load_proxy_file(SUITE_ZERO, str(second), second.stat().st_mtime + 1)  # a load of its own
    assert one.keys() == two.keys() and all(
        np.array_equal(one[task][proxy], two[task][proxy], equal_nan=True) for task in one for proxy in one[task])
