"""The std a predictor claiming epistemic uncertainty gives where its training data teach it nothing.

Fitted on targets all equal, or on one distinct network (given once or several times, under any of its cells), a
forest's trees, an MLP ensemble's members and FLAN's members all predict one value everywhere, so their spread was 0
(or 1e-6): an acquisition function (EI, UCB) read that as a model certain of every unseen cell, where it knows nothing
about how cells differ. Their std is then at least the targets' scale, the spread of targets the data cannot
explain; a GP's posterior is its prior's spread away from the data already, in that same scale (``gp.py``). A fit
that saw two distinct networks with two targets is left as its model gives it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..engine.types import Arch
from ..search_spaces.base import SearchSpace


def target_scale(y: np.ndarray) -> float:
    """The targets' scale: their spread, else (all equal) their mean's size, else (all 0) 1."""
    return float(np.std(y)) or abs(float(np.mean(y))) or 1.0


def uninformed(space: SearchSpace, archs: Sequence[Arch], y: np.ndarray) -> bool:
    """Whether the data tell nothing of how targets vary across cells: targets all equal, or one distinct network.

    Cells are told apart by ``space.functional_hash``: NB201 cells differing on an edge no path uses are one network,
    which FLAN reads through ``space.canonical`` and a path encoding cannot tell apart (one network measured three
    times under three hashes gave FLAN and the MLP stds of 0). Hashes cells only until a second distinct one (the
    second cell, most often), so a predict pays microseconds."""
    if len(y) == 0 or float(np.ptp(y)) == 0.0:
        return True
    first = space.functional_hash(archs[0])
    return all(space.functional_hash(arch) == first for arch in archs[1:])


def floored_std(std: np.ndarray, space: SearchSpace, archs: Sequence[Arch], y: np.ndarray) -> np.ndarray:
    """``std`` raised to :func:`target_scale` where the data are :func:`uninformed`, else ``std`` itself."""
    return np.maximum(std, target_scale(y)) if uninformed(space, archs, y) else std
