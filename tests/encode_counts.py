"""How many architectures a space class's real ``encode_many`` encodes, call by call: the tests of kept feature rows
and tables count the work a second read saves by it."""
from __future__ import annotations

import pytest


def counted_encodes(monkeypatch: pytest.MonkeyPatch, space_class: type) -> list[int]:
    """The list each later ``encode_many`` call of ``space_class`` appends its architectures' count to (the real
    encoding still runs)."""
    counts: list[int] = []
    real = space_class.encode_many

    def counted(self, archs, kind):
        counts.append(len(archs))
        return real(self, archs, kind)

    monkeypatch.setattr(space_class, "encode_many", counted)
    return counts
