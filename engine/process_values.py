"""Process-wide values nasloop sets for the length of a block, given back to the caller once the last block ends.

nasloop sets a few values of the whole process while a piece of work runs (cuDNN's autotuning while a network
trains, Ray's private switches and the environment variables Ray reads while it starts) and gives the caller's back
after. Two searches overlapping in threads of one script (a notebook does this) each saved the value in place as the
caller's and put it back as they ended: the second saved the first's value and put it back last, so it stayed for
good, and the first, ending, put the caller's back under the second's block. Here the first block in saves the
caller's value and sets nasloop's, the later ones count themselves in, and the last one out gives the caller's back,
all under one lock.

Overlapping blocks of one value must want the same value: a block wanting another one than the block already in
place set is refused (a RuntimeError naming both), since either winning silently would run a block with a value it
did not ask for; every caller of nasloop's wants one constant value per name. A value the caller set meanwhile
(the one in place when the last block ends is no longer nasloop's) is the caller's, and stays.
"""
from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Callable, Iterator

from .held_imports import interrupt_held

_LOCK = threading.Lock()
_ABSENT = object()
"""The value of an environment variable the caller's environment lacks: given back by taking the variable out."""


class _Held:
    """A value set for overlapping blocks: the caller's, the one set, and how many blocks are in."""

    def __init__(self, callers: Any, value: Any) -> None:
        self.callers, self.value, self.blocks = callers, value, 1


_held: dict[tuple[int, str], _Held] = {}  # by (id of the object, name): the object lives as long as the process


@contextmanager
def set_for_block(owner: object, name: str, value: Any) -> Iterator[None]:
    """``owner.name`` (an attribute of a module or a class: ``torch.backends.cudnn.benchmark``, Ray's private
    constants and functions) is ``value`` within the block, and the caller's once the last overlapping block of it
    has ended."""
    with _block((id(owner), name), lambda: getattr(owner, name), lambda new: setattr(owner, name, new), value,
                callers_first=False):
        yield


def callers_value(owner: object, name: str, default: Any = False) -> Any:
    """``owner.name`` as the caller has it: the value the first of the blocks in place saved, else the one in place
    (``default`` where ``owner`` has none, a Ray without the switch). A check of the caller's setting made within
    another thread's block read that block's value, and so counted itself out of the block it needed."""
    with _LOCK:
        held = _held.get((id(owner), name))
        return held.callers if held is not None else getattr(owner, name, default)


def environment_set(name: str, value: str) -> AbstractContextManager[None]:
    """The environment variable ``name`` is ``value`` within the block, where the caller's environment lacks it (a
    value of the caller's own is the caller's switch, and stays as it is); taken out again once the last overlapping
    block of it has ended."""
    return _block((id(os.environ), name), lambda: os.environ.get(name, _ABSENT), lambda new: _set_variable(name, new),
                  value, callers_first=True)


@contextmanager
def _block(key: tuple[int, str], read: Callable[[], Any], write: Callable[[Any], None], value: Any,
           callers_first: bool) -> Iterator[None]:
    """The block of :func:`set_for_block` and :func:`environment_set`: ``callers_first``, a value of the caller's
    own in place is left and the block counts for nothing. Counting in and out holds a Ctrl-C (raised after): one
    landing between the count and the value left a value set for good, or counted a block that set nothing."""
    counted = False
    try:
        with interrupt_held():  # a Ctrl-C held here is raised as it ends: the block counted in is left below
            with _LOCK:
                counted = _enter(key, read, write, value, callers_first)
        yield
    finally:
        if counted:
            with interrupt_held(), _LOCK:
                _leave(key, read, write)


def _enter(key: tuple[int, str], read: Callable[[], Any], write: Callable[[Any], None], value: Any,
           callers_first: bool) -> bool:
    """One block of ``key`` in: the first saves the caller's value and sets ``value``. Whether it counts."""
    held = _held.get(key)
    if held is not None and held.value != value:
        raise RuntimeError(f"{key[1]} is set to {held.value!r} for a block still running (another thread's), and "
                           f"this one wants {value!r}: the two cannot run at once")
    if held is not None:
        held.blocks += 1
        return True
    callers = read()
    if callers_first and callers is not _ABSENT:
        return False
    write(value)
    _held[key] = _Held(callers, value)
    return True


def _leave(key: tuple[int, str], read: Callable[[], Any], write: Callable[[Any], None]) -> None:
    """One block of ``key`` out: the last gives the caller's value back, unless the caller has set one meanwhile."""
    held = _held[key]
    held.blocks -= 1
    if held.blocks:
        return
    del _held[key]
    if read() == held.value:
        write(held.callers)


def _set_variable(name: str, value: Any) -> None:
    """``os.environ[name] = value``, or the variable taken out where ``value`` is the caller's lack of one."""
    if value is _ABSENT:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
