"""The table lookups a resumed strategy proposes again, counted as they were when first made.

A group of lookups committed without a plugin strategy's state (an error, Ctrl-C or SIGTERM: see
``store_writes``) is replayed: the strategy resumes from the state saved before the group and proposes its lookups
again, answered from the store. They count in the budget as it proposes them, not before: counted at once, a group
ending with the budget's last evaluation (or the space's) left the resumed run with nothing to do, so it stopped
before the replay, with the group's repeats never counted and the state from before the group saved as its last.

The group's repeats (proposals answered from the store) are counted as it commits, so ``nasloop show`` of the
stopped run counts every repeat it told (they were counted only once replayed, and never where the resumed strategy
went another way); the resumed strategy proposes them again before the group's last lookup, and those are not
counted twice.
"""
from __future__ import annotations

import logging
from typing import Callable

from .hooks import say_note

log = logging.getLogger(__name__)


class Replays:
    """The lookups still to replay (their keys and costs, in trial order), the step the last was first asked at, and
    the repeats counted with their groups that the resumed strategy has yet to propose again."""

    def __init__(self) -> None:
        self._costs: dict[str, float] = {}
        self._end = 0
        self.repeats = 0

    def __bool__(self) -> bool:
        return bool(self._costs)

    def __contains__(self, key: object) -> bool:
        return key in self._costs

    def add(self, key: str, cost: float, step: int) -> None:
        """Keep a stored lookup of ask ``step`` to replay."""
        self._costs[key] = cost
        self._end = max(self._end, step)

    def take(self, key: str) -> float | None:
        """The cost of the lookup the strategy has just proposed again; None where ``key`` is none to replay. The last
        one taken ends the replay, and with it the repeats still to propose again (none, as the run replayed went)."""
        cost = self._costs.pop(key, None)
        if not self._costs:
            self.repeats = 0
        return cost

    def counted_repeat(self) -> bool:
        """Whether a repeat the strategy has just proposed was counted with the group it replays (so it is not
        counted again)."""
        if not self._costs or not self.repeats:
            return False
        self.repeats -= 1
        return True

    def diverged(self, step: int, new: bool) -> tuple[int, float]:
        """How many lookups are left and their cost, forgotten where ask ``step`` left the run it replays: it proposed
        a ``new`` architecture, or came after the last replay's step (a state that leaves something out proposes
        other architectures); else (0, 0.0), all still to replay. The repeats left to propose again stay counted."""
        if not new and step <= self._end:
            return 0, 0.0
        left = len(self._costs), sum(self._costs.values())
        self._costs.clear()
        self.repeats = 0
        return left


def say_dropped(on_note: Callable[[str], None] | None, left: int, dropped: int) -> None:
    """Say that the resumed strategy left the run it replays with ``left`` lookups still to propose again, which
    count as done, so that its ``dropped`` new proposals past the budget they spend are not evaluated (the loop tells
    the strategy so: Strategy.dropped)."""
    lookups, proposals = f"lookup{'s' * (left != 1)}", f"proposal{'s' * (dropped != 1)}"
    say_note(on_note, f"the resumed strategy went another way than the run it continues (its proposals are not fixed "
             f"by its seed and saved state, or its code changed): the {left} stored {lookups} it had yet to propose "
             f"again count as evaluated, and its {dropped} new {proposals} past the budget they spend "
             f"{'are' if dropped != 1 else 'is'} dropped, not evaluated", log)
