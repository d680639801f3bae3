"""A user's search space tried before a new run's first evaluation: its moves must give architectures of the space.

A ``mutate`` or ``neighbours`` that returns something ``format`` cannot write (a width index one past the end)
failed inside a strategy as an unexpected IndexError in the user's ``format``, naming neither the method at fault
nor the fix, and only once the strategy first mutated: after evolution's random population, hours of training in.
nasloop's own spaces are tested, and skip the trial (some load a table to sample).
"""
from __future__ import annotations

import copy
from itertools import islice
from typing import Any, Callable, Iterable

import numpy as np

from ..search_spaces.base import NeighbourhoodSpace, SearchSpace, enumerable
from .errors import ArchitectureError, ConfigError, NasloopError, PluginFault, describe_exception, one_line
from .registry import STRATEGIES, defined_by_nasloop, refusal_for

SAMPLES = 8
"""Architectures sampled (each mutated twice in a row), and the first few enumerated."""
NEIGHBOURS = 64
"""Neighbours of the first sample checked: a space lists a move of each kind for each part, so most of them."""
SAME_SAMPLES = 64
"""Draws all giving one architecture of a space that declares more which refuse its sample: a space of two drawn
fairly gives 8 alike one time in 128, 64 one time in 10^19 (a healthy sample is told apart in two draws)."""


class _Raised(Exception):
    """A method of the space raised: the run meets it as it would have, named with its file and line, and resumes
    once it is mended (a sample may break only on its fourth call, which the trial must not take from the run)."""


def check_space_moves(space: SearchSpace) -> None:
    """One line naming the first method of a user's ``space`` that gives no architecture of it, and the fix. Tried on
    a shallow copy, so a space that counts its calls in an attribute starts the run as it would have (what its
    attributes hold, a cache or a generator of its own, is shared with the copy)."""
    if defined_by_nasloop(type(space)):
        return
    size = space.size
    if size is not None and (isinstance(size, bool) or not isinstance(size, (int, np.integer))):
        raise ConfigError(f"search space '{space.name}': size is a {type(size).__name__}, not a number of "
                          "architectures; make it a property (@property above def size) returning an int, or None")
    trial = copy.copy(space)
    try:
        _try_moves(trial)
        _check_draws(trial, size)
    except _Raised:
        return


def _check_draws(space: SearchSpace, size: int | None) -> None:
    """A ``sample`` giving one architecture of a space declaring more: random search proposed it 10,000 times over,
    and the run 'finished' with 1 of 100 evaluated, blaming the strategy for exploring no further."""
    if size is None or size < 2:
        return
    rng = np.random.default_rng(0)
    first = _called(lambda: space.format(space.sample(rng)))
    if any(_called(lambda: space.format(space.sample(rng))) != first for _ in range(SAME_SAMPLES - 1)):
        return
    raise ConfigError(f"search space '{space.name}': {type(space).__name__}.sample returned {one_line(first, 80)!r} "
                      f"in each of {SAME_SAMPLES} draws, though the space declares {size:,} architectures; make sample "
                      "draw them at random from the generator it is given, which every strategy samples through")


def _try_moves(space: SearchSpace) -> None:
    """Each move a strategy makes (sample, mutate, neighbours, enumerate), a few times, each result checked."""
    rng = np.random.default_rng(0)  # a generator of its own: no strategy's draws change
    for index in range(SAMPLES):
        arch = _called(lambda: space.sample(rng))
        _check_member(space, "sample", arch)
        for _ in range(2):
            arch = _called(lambda: space.mutate(arch, rng))
            _check_member(space, "mutate", arch)
        if index == 0 and isinstance(space, NeighbourhoodSpace):
            for other in _called(lambda: list(islice(space.neighbours(arch), NEIGHBOURS))):
                _check_member(space, "neighbours", other)
    if enumerable(space):
        for arch in _called(lambda: list(islice(space.enumerate(), SAMPLES))):
            _check_member(space, "enumerate", arch)


def _called(call: Callable[[], Any]) -> Any:
    """What ``call`` returns, or :class:`_Raised` where the space's method raised."""
    try:
        return call()
    except Exception as exc:  # the user's code may fail in any way
        raise _Raised() from exc


def _check_member(space: SearchSpace, method: str, arch: Any) -> None:
    """``arch``, which ``method`` gave, must be written by ``format`` as a string that ``parse`` reads back."""
    given = one_line(repr(arch), 80)
    fix = f"make {method} return architectures of the space, which format writes and parse reads back"
    try:
        text = space.format(arch)
    except Exception as exc:  # the user's format on a value it was never meant to see
        raise ConfigError(f"search space '{space.name}': {method} returned {given}, which its format cannot write "
                          f"({describe_exception(exc)}); {fix}") from None
    if not isinstance(text, str):
        raise ConfigError(f"search space '{space.name}': format returned {type(text).__name__} "
                          f"{one_line(repr(text), 40)} for {given}; return the architecture's string form, which "
                          "parse reads back")
    try:
        parsed = space.parse(text)
        again = space.format(parsed)
    except Exception as exc:  # parse refusing its own format's text: the strings disagree, or the value is foreign
        fault = _called(lambda: string_fault(space))
        if fault is not None:
            raise ConfigError(fault) from None
        raise ConfigError(f"search space '{space.name}': {method} returned {given}, which parse refuses as "
                          f"{one_line(text, 80)!r} ({describe_exception(exc)}); {fix}") from None
    if not _settled(space, text, again):
        raise ConfigError(_misread(space, text, again, f" for what {method} returned"))
    if not isinstance(arch, type(parsed)) and not isinstance(parsed, type(arch)):
        # a sample of numpy arrays, where parse gives tuples, wrote and read back alike, and the next mutate, adding
        # to an array, was blamed for it: a strategy mixes the two kinds (a population of samples and parsed ones)
        raise ConfigError(f"search space '{space.name}': {method} returned a {_kind(arch)} ({given}), where parse "
                          f"reads its string back as a {_kind(parsed)}; make {method} return the kind parse does, "
                          "since a strategy mixes the two")


def _kind(value: Any) -> str:
    """A value's type as a user would write it: ``tuple``, ``numpy.ndarray``."""
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _settled(space: SearchSpace, text: str, again: str) -> bool:
    """Whether ``again``, what the space reads its format's ``text`` back as, is ``text`` or a canonical form it
    reads back unchanged: a parse that sorts what a mutate left unsorted is a space's right (such spaces ran before
    this check), one that reads a ',' as a '-' and then fails or drifts is not."""
    if again == text:
        return True
    try:
        return space.format(space.parse(again)) == again
    except Exception:  # the re-read form no longer parses: no canonical form
        return False


def string_fault(space: SearchSpace, samples: int = 8) -> str | None:
    """Why ``space`` does not read back what its own ``format`` writes, for a few architectures its ``sample`` gives
    (from a generator of their own), or None when it does. Asked only once a proposal failed validation: the loop
    validates as ``parse(format(arch))``, so a space whose format and parse disagree (a ',' written, a '-' read)
    refused evolution's first proposal as the strategy's fault, with the advice to return the space's architectures,
    which it did. A new run asks it too, in :func:`check_space_moves`'s trial, on a copy of the space."""
    rng = np.random.default_rng(0)
    for _ in range(samples):
        text = space.format(space.sample(rng))
        try:
            again = space.format(space.parse(text))
        except ArchitectureError as exc:
            return (f"search space '{space.name}' cannot parse what its format wrote, {one_line(text, 80)!r} "
                    f"({one_line(exc, 200)}); make parse read format's strings, so that parse(format(arch)) "
                    "gives arch back")
        if not _settled(space, text, again):
            return _misread(space, text, again)
    return None


def _misread(space: SearchSpace, text: str, again: str, source: str = "") -> str:
    """The line for a space that reads ``text``, which its format wrote (for what ``source`` says), as ``again``:
    one message for the trial of a new run's moves and for a proposal that failed validation."""
    return (f"search space '{space.name}' reads {one_line(text, 80)!r}, which its format wrote{source}, as "
            f"{one_line(again, 80)!r}; make format and parse agree, so that parse(format(arch)) gives arch back")


def refused_proposal(space: SearchSpace, strategy: Any, arch: Any, exc: Exception) -> ConfigError:
    """The line for a strategy's proposal that does not validate (``exc``): the space's fault where its format and
    parse disagree, or where nasloop's strategy proposed what the user's space's own moves gave (a mutate returning
    a digit past the end blamed evolution and told it to return the space's architectures), else the strategy's. A
    user's format iterating a string it was given failed as an unexpected ValueError in that format, naming neither
    the strategy nor the fix. A user's code at fault is a :class:`PluginFault`: the run stands, and its fix lets a
    resume continue (it was stored failed)."""
    refusal = refusal_for(space, strategy)
    fault = string_fault(space)
    if fault is not None:
        return refusal(fault)
    reason = exc if isinstance(exc, ArchitectureError) else describe_exception(exc)
    name = STRATEGIES.label(strategy)
    if not defined_by_nasloop(type(space)) and defined_by_nasloop(type(strategy)):
        return refusal(f"search space '{space.name}': its moves (sample, mutate, neighbours...) gave strategy {name} "
                       f"{one_line(repr(arch), 80)}, which is not an architecture of it ({reason}); make them return "
                       "architectures of the space, which format writes and parse reads back")
    why = "a string" if isinstance(arch, str) else f"not an architecture of {space.name} ({reason})"
    return refusal(f"strategy {name} proposed {one_line(repr(arch), 80)}, {why}; return the space's architectures "
                   "(space.parse(text) reads a string form)")


def checked_moves(space: SearchSpace, method: str, archs: list[Any]) -> list[Any]:
    """``archs``, which a user's space's ``method`` gave a strategy that keeps them in its state before it proposes
    them (local search's neighbours), each checked as a new run's trial of the moves checks them, else a
    :class:`PluginFault` naming the method: one parse refused later failed the run, and its saved state with it,
    which a resume then called damaged even once the space was fixed."""
    if not defined_by_nasloop(type(space)):
        for arch in archs:
            try:
                _check_member(space, method, arch)
            except ConfigError as exc:
                raise PluginFault(str(exc)) from None
    return archs


def enumerated(space: SearchSpace, reader: str) -> list[Any]:
    """Every architecture of an enumerable ``space``, which ``reader`` (the strategy or predictor asking, in words)
    reads in the middle of a search. A user's ``enumerate`` that raises, returns no iterable, or yields what is no
    architecture of the space is a :class:`PluginFault` naming the space and the method, so the run stands and its
    fix resumes it: it stopped the run as an unexpected error (a new run's trial reads only its first few, and takes
    no failure from the run), or, yielding garbage, as the fault of nasloop's predictor ranking it, stored failed."""
    if defined_by_nasloop(type(space)):
        return list(space.enumerate())
    fix = "fix enumerate, which must yield every architecture of the space"
    try:
        given = space.enumerate()
        archs = list(given) if isinstance(given, Iterable) else None
    except NasloopError:  # the user's input (a table the space reads is missing): said in its own words
        raise
    except Exception as exc:  # the user's code may fail in any way
        raise PluginFault(f"search space '{space.name}': enumerate raised {describe_exception(exc)} as {reader} read "
                          f"it; {fix}") from None
    if archs is None:
        raise PluginFault(f"search space '{space.name}': enumerate returned {type(given).__name__}, not an iterable "
                          f"of architectures, as {reader} read it; {fix}")
    return checked_moves(space, "enumerate", archs)


def enumerated_hashes(space: SearchSpace, reader: str) -> list[str]:
    """``space.hash`` of each architecture :func:`enumerated` lists, in its order: nasloop's own spaces read them as
    they store them (NB101 off its table's hash column, where listing built its 30,001 cells), a user's from its
    checked enumeration."""
    if defined_by_nasloop(type(space)):
        return space.enumerated_hashes()
    return [space.hash(arch) for arch in enumerated(space, reader)]
