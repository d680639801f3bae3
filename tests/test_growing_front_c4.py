"""GrowingFront (a run's front as results arrive) agrees with the front of everything seen so far."""
from __future__ import annotations

import numpy as np

from nasloop.engine.objectives import GrowingFront, Objective, hypervolume, pareto_mask


def test_the_growing_front_is_the_front_of_all_results_so_far_ties_and_duplicates_included():
    """After each result the members are exactly the rows pareto_mask keeps of all results so far, in arrival
    order, equal rows all kept, and the volume is that of those rows. The (accuracy, params) results: a member,
    its duplicate, one equal in accuracy only (weakly dominated), a trade-off, a result dominating both
    duplicates, a duplicate of that, one dominated by the trade-off alone, then a trade-off grid with ties."""
    objectives = (Objective("accuracy"), Objective("params", minimize=True))
    results = [(1, 3), (1, 3), (1, 4), (2, 5), (1, 2), (1, 2), (2, 6), (0, 0), (3, 6), (3, 6), (2, 2), (0, 0),
               (3, 1), (2, 0), (3, 0), (3, 0)]
    growing, seen = GrowingFront(objectives, [-1.0, 10.0]), []
    for accuracy, params in results:
        volume = growing.add({"accuracy": float(accuracy), "params": float(params)})
        seen.append((float(accuracy), -float(params)))
        front = [p for p, keep in zip(seen, pareto_mask(np.array(seen))) if keep]
        assert growing.members == front
        assert volume == hypervolume(np.array(front), growing.reference)
    assert growing.members == [(3.0, -0.0), (3.0, -0.0)]
