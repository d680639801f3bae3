"""A bounded memo of architectures' values, dropping the least recently read first.

A search on a space too big to enumerate reads a fresh pool of candidates every round, and a memo keeping each one
grew without bound (NB101's 423,624 cells, DARTS's ~10^18), while the training cells, read every round, stay. FLAN
keeps its graphs and canonical forms in one, EmProx its token rows and embeddings.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Generic, TypeVar

from ..engine.types import Arch
from ..search_spaces.base import SearchSpace, enumerable

Value = TypeVar("Value")

WHOLE_SPACE_LIMIT = 200_000
"""The size up to which a memo keeps a whole enumerable space, which a search ranks whole every round."""


def memo_limit(space: SearchSpace, limit: int) -> int:
    """``limit``, raised to the size of ``space`` where it is enumerable and of at most :data:`WHOLE_SPACE_LIMIT`
    (ranked whole every round, every one of its architectures is read again)."""
    size = space.size if enumerable(space) else None
    return max(limit, size) if size is not None and size <= WHOLE_SPACE_LIMIT else limit


class Recent(Generic[Value]):
    """A memo of at most ``limit`` architectures' values that drops the least recently read first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: OrderedDict[Arch, Value] = OrderedDict()

    def get(self, arch: Arch, make: Callable[[Arch], Value]) -> Value:
        """``arch``'s value, made by ``make`` unless kept."""
        values = self._values
        if arch in values:
            values.move_to_end(arch)
            return values[arch]
        value = values[arch] = make(arch)
        self._bound()
        return value

    def find(self, arch: Arch) -> Value | None:
        """``arch``'s value where it is kept (read now, so it stays), else None."""
        if arch not in self._values:
            return None
        self._values.move_to_end(arch)
        return self._values[arch]

    def keep(self, arch: Arch, value: Value) -> None:
        """Keep ``value`` as ``arch``'s, dropping the least recently read beyond the limit."""
        self._values[arch] = value
        self._values.move_to_end(arch)
        self._bound()

    def _bound(self) -> None:
        while len(self._values) > self.limit:
            self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)
