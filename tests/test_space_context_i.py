"""A table-bound space built with another space's run context: one line, not a space drawing the other table's
cells."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


def test_an_nb101_space_refuses_the_nb201_context(nb201_context):
    """NB101Space(context=<an NB201 context>) was built; its sample() drew NB201 cells, (3, 2, 2, 1, 0, 2), which its
    own format() then refused ('an NB101 architecture is an NB101Cell')."""
    from nasloop.search_spaces.nb101.space import NB101Space

    with pytest.raises(NasloopError, match=r"^search space 'nb101' was given the context of benchmark 'nb201', whose "
                                           r"cells are not its own; build its context, e.g. build_context\(NB101Space"):
        NB101Space(context=nb201_context)

