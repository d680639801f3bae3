"""NB101's canonical forms are remembered, as its hashes are: FLAN reads the canonical form of every table cell once
per model vocabulary (a pretrained file's, a blend member's, the space's own), and each read tried every numbering
of NB101's 30,001 cells again (2.3 s)."""
from __future__ import annotations

import numpy as np

from nasloop.search_spaces.nb101 import space as nb101_space
from nasloop.search_spaces.nb101.cost import canonical_cell
from nasloop.search_spaces.nb101.space import NB101Space


def test_a_cells_canonical_form_is_found_once_and_a_canonical_cell_is_its_own(monkeypatch):
    found = []
    monkeypatch.setattr(nb101_space, "canonical_cell", lambda cell: (found.append(cell), canonical_cell(cell))[1])
    nb101_space._canonical.cache_clear()  # the memo is the process's: a test before this one in the same worker read
    rng = np.random.default_rng(20261207)  # some of these cells of the whole space (2 of 35 in a CI run)
    space = NB101Space(table_only=False)
    cells = [space.validate(space.sample(rng)) for _ in range(40)]
    first = [space.canonical(cell) for cell in cells]
    again = [NB101Space(table_only=False).canonical(cell) for cell in cells]  # another model's space, same cells
    assert first == again == [canonical_cell(cell) for cell in cells]
    assert len(found) == len(set(cells))  # 80 searches of their numberings before
    renumbered = [cell for cell, canonical in zip(cells, first) if canonical != cell]
    assert renumbered  # some cells were drawn in another numbering, and become their canonical one
    for canonical in first:  # validated first: validate gives back the equal cell it remembers, maybe another test's
        validated = space.validate(canonical)
        assert space.canonical(validated) is validated  # no second copy of a cell already canonical
