"""botorch's notes on what it remedies itself are silenced inside a search's modelling, and nothing else is.

A two-objective ``bo`` on NAGO with replicates printed botorch's "Low-rank cholesky updates failed ... Falling back to
standard sampling" twice, with its source lines, among the search's output: botorch falls back on its own, and nobody
running a search can act on it.
"""
from __future__ import annotations

import warnings

from botorch.exceptions.warnings import BotorchWarning

from nasloop.predictors.base import quiet_botorch

FALLBACK = ("Low-rank cholesky updates failed due NaNs or due to an ill-conditioned covariance matrix. Falling back "
            "to standard sampling.")
"""botorch's words (botorch/acquisition/cached_cholesky.py), as its qLogNEHVI warns them."""


def test_the_cholesky_fallback_note_is_silenced_and_other_botorch_warnings_are_not():
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        with quiet_botorch():
            warnings.warn(FALLBACK, BotorchWarning)
            warnings.warn("a note botorch's user must read", BotorchWarning)
    assert [str(w.message) for w in heard] == ["a note botorch's user must read"]


def test_the_silenced_text_is_the_one_botorch_writes():
    """The filter matches the start of the message; botorch's source holds it (a rewording would show here)."""
    import inspect

    from botorch.acquisition import cached_cholesky

    assert '"Low-rank cholesky updates failed due NaNs or due to an "' in inspect.getsource(cached_cholesky)
