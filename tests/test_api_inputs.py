"""What a script calling nasloop's Python API directly gets for a mistake: one nasloop error naming the problem and
the fix (as the command line prints), never a Python traceback from deep inside, nor a silent misreading."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


@pytest.mark.parametrize("targets", [["a", "b"], None, 3.5, [object(), object()]])
def test_a_predictor_names_targets_that_are_not_numbers(targets):
    """Strings raised numpy's ValueError (a traceback); None read as one NaN target, so the refusal counted
    '2 architectures but 1 targets', naming neither the None nor the fix."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cells = [(0, 1, 2, 3, 4, 0), (1, 1, 1, 1, 1, 1)]
    with pytest.raises(NasloopError, match="targets must be numbers, one for each architecture, got .*pass a list"):
        RandomPredictor(space).fit(cells, targets)
    assert RandomPredictor(space).fit(cells, [1.0, 2.0]).fitted  # numbers pass as before
