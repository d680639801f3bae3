"""The targets a predictor is fitted on, checked and copied as ``fit`` and ``update`` take them.

Copied: ``np.asarray`` handed back the caller's own float64 array, kept as the predictor's ``_y``, so ``t -= t.mean()``
after ``fit(cells, t)`` moved what EmProx and a blend predict (they read ``_y`` at predict time), what
``state_dict()`` saved and what ``update`` refitted on. Any iterable is taken, a generator too, as architectures are.

A predictor's ``_fit`` is handed copies too (:func:`fitted_on_copies`): ``fit`` handed it the very list and array it
keeps and saves, so one shuffling them in place (a user's minibatch loop) broke the pairs its state saved (30 of 35
NB201 archs saved beside another cell's score after 40 bananas lookups) and the rows a run store appends to.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..engine.errors import ConfigError, one_line
from ..engine.types import Arch

TARGET_LIMIT = 1e30  # past it, a target's square (a variance, a GP's likelihood) overflows a float


def checked_targets(archs: Sequence[Arch], y: Any) -> np.ndarray:
    """``y`` as a new 1-D float64 array, one finite target per architecture of ``archs``, else one line."""
    if isinstance(y, Iterator):  # a generator: numpy made one object of it, refused as "targets must be numbers"
        y = list(y)
    try:  # complex numbers: numpy kept their real parts, under a ComplexWarning a script may never show
        values = None if np.iscomplexobj(y) else np.array(y, dtype=np.float64)
    except (TypeError, ValueError):  # strings or objects: numpy's own words, a traceback, named no fix
        values = None
    if values is None or values.ndim == 0:  # None became one NaN: "2 architectures but 1 targets"
        raise ConfigError(f"targets must be numbers, one for each architecture, got {one_line(repr(y), 80)}; "
                          "pass a list or array of scores (higher is better)")
    y = values.ravel()
    if len(archs) == 0:
        raise ConfigError("a predictor needs at least one evaluated architecture to fit; evaluate some first")
    if len(y) != len(archs):
        raise ConfigError(f"got {len(archs)} architectures but {len(y)} targets; pass one target each")
    if not np.isfinite(y).all():
        bad = int((~np.isfinite(y)).sum())
        raise ConfigError(f"{bad} target{'s are' if bad != 1 else ' is'} NaN or infinite; "
                          "drop failed evaluations before fitting")
    largest = float(np.abs(y).max())
    if largest > TARGET_LIMIT:  # their squares overflow: the predictor was blamed for the NaN it then returned
        raise ConfigError(f"targets reach {largest:.3g} in size, past the {TARGET_LIMIT:g} a predictor computes "
                          "with; rescale them (e.g. to thousands or millions) before fitting")
    return y


def fitted_on_copies(fit: Callable[..., Any]) -> Callable[..., Any]:
    """``fit`` (a predictor class's ``_fit``) handed a new list of the architectures and a new array of the targets:
    the base's ``fit``, and ``_update``s refitting on everything, pass the predictor's own ``_archs`` and ``_y``,
    which its ``state_dict`` saves as rows that only grow. About 0.1 ms a fit on 20,000 rows."""
    @functools.wraps(fit)
    def copied(self: Any, archs: Sequence[Arch], y: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        return fit(self, list(archs), np.array(y, dtype=np.float64), *args, **kwargs)
    return copied
