"""What a strategy's ``ask(n)`` returned, checked before the loop stores any of it.

A strategy must return a list of 1 to ``n`` architectures of the space. The commonest slip, returning one
architecture rather than a list of one, was refused as the wrong count (an NB201 cell, a tuple of six op
indices, read as 'ask(1) returned 6 architectures'), or, where the count fitted, as a proposal of a bare op index:
either named what the list held, not that it was no list. It is named for what it is here.
"""
from __future__ import annotations

from typing import Any

from .errors import ArchitectureError, NasloopError, one_line
from ..search_spaces.base import SearchSpace
from ..strategies.base import Strategy
from .registry import STRATEGIES, defined_by_nasloop, refusal_for
from .space_checks import refused_proposal
from .types import Arch


def checked_proposals(space: SearchSpace, strategy: Strategy, proposed: Any, n: int) -> list[Arch]:
    """``proposed``, what ``strategy.ask(n)`` returned, as the space's architectures; else one line naming the
    strategy and the fix (a :class:`PluginFault` where the strategy is a user's, whose fix lets a resume go on)."""
    try:
        if not isinstance(proposed, (list, tuple)) or not 1 <= len(proposed) <= n:
            # no proposal (10,000 empty asks read as a full space) or more than n (they overran the budget)
            got = (f"{len(proposed) or 'no'} architecture{'s' * (len(proposed) != 1)}"
                   if isinstance(proposed, (list, tuple)) else f"a {type(proposed).__name__}")
            wanted = "one architecture" if n == 1 else f"1 to {n} architectures"
            raise refusal_for(strategy)(f"strategy {STRATEGIES.label(strategy)}: ask({n}) returned {got}; "
                                        f"return a list of {wanted}")
        return [_proposal(space, strategy, arch) for arch in proposed]
    except NasloopError:
        if not _one_architecture(space, proposed):
            raise
        raise refusal_for(strategy)(f"strategy {STRATEGIES.label(strategy)}: ask({n}) returned one architecture, "
                                    f"{one_line(repr(proposed), 80)}, not a list of them; return [arch]") from None


def _proposal(space: SearchSpace, strategy: Strategy, arch: Any) -> Arch:
    """A strategy's proposal, validated; one that is no architecture of the space is the strategy's fault."""
    try:
        return space.validate(arch)
    except Exception as exc:  # a user's format may fail in any way on what is no architecture of it (a string)
        if not isinstance(exc, ArchitectureError) and (isinstance(exc, NasloopError)
                                                       or defined_by_nasloop(type(space))):
            raise  # nasloop's own space fails only as ArchitectureError on a proposal; else a bug of ours
        raise refused_proposal(space, strategy, arch, exc) from None


def _one_architecture(space: SearchSpace, proposed: Any) -> bool:
    """Whether ``proposed`` is itself one architecture of the space. Asked only once it failed as a list of them,
    so a right ask pays nothing for it."""
    if isinstance(proposed, str):  # a string form is refused as a string, which the line for it says
        return False
    try:
        space.validate(proposed)
    except Exception:  # noqa: BLE001 - not one architecture: the list's own refusal stands
        return False
    return True
