"""The numbers a benchmark file holds, checked as they are read: one check for every reader.

Each reader took a record's value with ``float()`` (or numpy's ``asarray(..., float64)``), so an integer past
float's range (JSON and pickles hold 10**400 as readily as 1) ended the import in 'unexpected OverflowError', and
text ('50' in a pickle) was taken as the number it spells. NaN is a number here: the readers take it as no value.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DataError


def _shown(value: Any) -> str:
    """``value`` as a refusal quotes it: a 400-digit integer by its start and length."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}... ({len(text)} characters)"


def file_number(value: Any, where: str, fix: str) -> float:
    """``value`` read from a file as a float; one line naming ``where`` (the file and the record's field) and
    ``fix`` for text, a truth value, or an integer too large for a float."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        try:
            return float(value)
        except OverflowError:
            raise DataError(f"{where} is {_shown(value)}, too large for a number (floats end near 1.8e308); "
                            f"{fix}") from None
    raise DataError(f"{where} is {_shown(value)}, not a number; {fix}")


def file_numbers(values: Any, where: str, fix: str) -> np.ndarray:
    """A file's sequence of numbers as a float array, each checked as :func:`file_number` checks one: numpy's
    conversion read text as numbers and overflowed on a huge integer. A plain list of numbers converts at numpy's
    speed; only one holding anything else is gone through, to name the first value that is no number. Its shape is
    the caller's to check."""
    array = values if isinstance(values, np.ndarray) else np.asarray(values)
    if array.dtype.kind in "iuf":
        return array.astype(np.float64)
    flat = array.ravel().tolist() if array.dtype.kind != "O" else list(array.ravel())
    return np.asarray([file_number(value, where, fix) for value in flat], dtype=np.float64).reshape(array.shape)
