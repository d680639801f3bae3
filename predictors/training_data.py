"""The architectures and targets a predictor has been fitted on, which its subclass reads and never changes.

The base class keeps them (``fit`` replaces them, ``update`` adds to them, a load restores them) and its
``state_dict`` saves them as rows a run store only appends to. A subclass (a user's plugin) read and could change
them: ``self._y.sort()`` or ``self._archs.append(a)`` in its ``_update``, or ``self._y = scaled`` in its ``_fit``,
broke the pairs of architecture and target the state saved (5 architectures beside 4 targets, the targets in
another order) and every later fit on them, silently. A subclass now reads ``self._archs`` as a read-only sequence
and ``self._y`` as a read-only array: changing either in place, or assigning either, is one line naming the
attribute and the fix (work on a copy: ``list(self._archs)``, ``self._y.copy()``).
"""
from __future__ import annotations

from typing import Any, Iterator, NoReturn, Sequence, overload

import numpy as np

from ..engine.errors import ConfigError
from ..engine.registry import PREDICTORS
from ..engine.types import Arch


def _refusal(owner: object, attribute: str, in_place: bool) -> ConfigError:
    """The line for a predictor whose own code assigns, or changes in place, its base's ``attribute``."""
    copy = "list(self._archs)" if attribute == "_archs" else "self._y.copy()"
    what = f"changes self.{attribute} in place" if in_place else f"assigns self.{attribute}"
    return ConfigError(f"predictor {PREDICTORS.label(owner)}: its code {what}, the training data the "
                       "base class keeps (fit and update set it, state_dict saves it beside the other); work on a "
                       f"copy ({copy}), or keep your own data under another name")


class ReadOnlyRows(Sequence[Arch]):
    """The base's list of training architectures as a subclass reads it: indexing, slicing (a new list),
    iterating, and what a list gives without changing itself (``+`` and ``copy()`` a new list, ``==`` a list's
    comparison), which a subclass reading a list used: ``self._archs + pool`` raised a TypeError, and
    ``self._archs == archs`` was False for the same rows; every way of changing a list in place is refused in one
    line naming ``self._archs``."""

    __slots__ = ("_rows", "_owner")

    def __init__(self, rows: list[Arch], owner: object) -> None:
        self._rows, self._owner = rows, owner

    @overload
    def __getitem__(self, index: int) -> Arch: ...

    @overload
    def __getitem__(self, index: slice) -> list[Arch]: ...

    def __getitem__(self, index: int | slice) -> Arch | list[Arch]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Arch]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"ReadOnlyRows({self._rows!r})"

    def __add__(self, other: Sequence[Arch]) -> list[Arch]:
        return self._rows + list(other)

    def __radd__(self, other: Sequence[Arch]) -> list[Arch]:
        return list(other) + self._rows

    def __eq__(self, other: object) -> bool:
        return self._rows == (other._rows if isinstance(other, ReadOnlyRows) else other)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as the list it shows

    def copy(self) -> list[Arch]:
        return list(self._rows)

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise _refusal(self._owner, "_archs", in_place=True)

    append = extend = insert = remove = pop = sort = reverse = clear = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


def _frozen(y: np.ndarray) -> np.ndarray:
    """``y`` (an array of the base's own, never the caller's) made read-only: a write into it raises numpy's
    'assignment destination is read-only' at the subclass's line."""
    y.flags.writeable = False
    return y


class TrainingData:
    """The training data a :class:`~.base.Predictor` keeps, kept here and only here: ``self._archs`` and
    ``self._y`` are read-only views that no assignment replaces. Its methods' names are long on purpose: a user's
    predictor inherits them, and its own helper named ``_keep`` or ``_add`` (the names they had) replaced them, so
    that constructing it failed in the helper, or ``update`` handed the helper its rows and kept none."""

    _base_archs: list[Arch]
    _base_view: ReadOnlyRows
    _base_y: np.ndarray

    def _set_training_data(self, archs: Sequence[Arch], y: np.ndarray) -> None:
        """Replace the data (``fit``, a load), ``y`` an array of the base's own."""
        self._base_archs = list(archs)
        self._base_view = ReadOnlyRows(self._base_archs, self)  # one view while the data only grows (FormattedRows)
        self._base_y = _frozen(y)

    def _extend_training_data(self, archs: Sequence[Arch], y: np.ndarray) -> None:
        """Add rows (``update``)."""
        self._base_archs += archs
        self._base_y = _frozen(np.concatenate([self._base_y, y]))

    @property
    def _archs(self) -> ReadOnlyRows:
        """The architectures fitted on so far, in order."""
        return self._base_view

    @_archs.setter
    def _archs(self, value: object) -> None:
        raise _refusal(self, "_archs", in_place=False)

    @property
    def _y(self) -> np.ndarray:
        """Their targets (higher is better), read-only."""
        return self._base_y

    @_y.setter
    def _y(self, value: object) -> None:
        raise _refusal(self, "_y", in_place=False)
