"""TransNAS-Bench-101 architecture codes: string forms, and the rule that bounds the macro space.

Both benchmark spaces share one network family (:mod:`.network`). A *micro* architecture is a
4-node cell written ``a_bc_def`` (node 1's input op; node 2's ops from nodes 0, 1; node 3's ops
from nodes 0, 1, 2) and stacked on the fixed skeleton ``41414``; the benchmark writes it in full as
``64-41414-a_bc_def``. A *macro* architecture is a skeleton of 4 to 6 modules of ResNet basic
blocks, one digit per module, written ``64-<digits>-basic``. Digit meanings (the official
``MacroNet``: channels double for even digits, stride is 2 for digits above 2):
1 keeps shape, 2 doubles the channels, 3 halves the resolution, 4 does both.

The macro rule -- 4 to 6 modules, 1 to 4 of them halving the resolution, 1 to 3 doubling the
channels -- is the one NASLib's TransNAS-Bench-101 macro sampler draws from; it yields exactly
the 3,256 macro architectures of the benchmark (checked against the data in the tests).
"""
from __future__ import annotations

import operator
from functools import lru_cache
from itertools import product
from typing import Sequence

import numpy as np

from ...engine.errors import ArchitectureError, ConfigError
from ..cell_space import CellSpec

MICRO_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3")
"""Micro edge ops by id, as the benchmark numbers them in its cell strings."""
MICRO_EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
"""(source, target) node of each cell edge, in the order of the digits of ``a_bc_def``."""
MICRO_SPEC = CellSpec(MICRO_OPS, MICRO_EDGES, none=0, skip=1, skip_from_input_is_identity=False)
"""The micro cell's shape: NB201's edges, its own four ops; the skeleton's shape-changing cells make a skip out of the
cell input a FactorizedReduce (:mod:`.network`), so it is no identity."""
MICRO_SKELETON = "41414"
"""The fixed macro skeleton every micro architecture is trained on."""
BASE_CHANNELS = 64
"""Channels after the stem, the ``64`` that opens every benchmark string. A space built at another
``base_channels`` builds other networks, and its strings open with that width instead (as NDS's carry
``width=``), so none reads as the benchmark's network it is not."""


def check_base_channels(value: object) -> int:
    """``value`` as a network's base width: an integer of at least 2, and even, since the stem halves it."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
        raise ConfigError(f"base_channels must be an integer of at least 2, got {value!r}; the benchmark uses "
                          f"{BASE_CHANNELS}")
    if value % 2:
        raise ConfigError(f"base_channels must be even (the stem halves it), got {value}; the benchmark uses "
                          f"{BASE_CHANNELS}")
    return value


MACRO_DIGITS = (1, 2, 3, 4)
MACRO_MODULES = (4, 6)
"""Fewest and most modules (digits) of a macro skeleton."""
MACRO_DOWNSAMPLES = (1, 4)
"""Fewest and most modules that halve the resolution (digit 3 or 4)."""
MACRO_DOUBLINGS = (1, 3)
"""Fewest and most modules that double the channels (digit 2 or 4)."""

_GROUP_SIZES = (1, 2, 3)
_MICRO_FORM = ("a TNB101 micro cell is a_bc_def: groups of 1, 2 and 3 op digits in 0..3 "
               "(e.g. 1_30_321 or 64-41414-1_30_321)")
_MACRO_FORM = ("a TNB101 macro architecture is 4 to 6 module digits in 1..4 "
               "(e.g. 41414 or 64-41414-basic)")


def halves_resolution(digit: int) -> bool:
    """Whether a module of this skeleton digit starts with a stride-2 block (digits 3 and 4)."""
    return digit in (3, 4)


def doubles_channels(digit: int) -> bool:
    """Whether a module of this skeleton digit doubles the channel count (digits 2 and 4)."""
    return digit in (2, 4)


# --- micro -------------------------------------------------------------------------------------
def check_micro(ops: Sequence[int]) -> tuple[int, ...]:
    """``ops`` as a tuple of 6 ints in 0..3 (one per :data:`MICRO_EDGES` edge), or ArchitectureError."""
    values = _integers(ops, _MICRO_FORM)
    if len(values) != len(MICRO_EDGES):
        raise ArchitectureError(f"{_MICRO_FORM}; got {len(values)} op ids, {_show(ops)}, not 6")
    if not all(0 <= op < len(MICRO_OPS) for op in values):
        raise ArchitectureError(f"{_MICRO_FORM}; the op ids {_show(ops)} go outside 0..3")
    return values


def parse_micro(text: str, channels: int = BASE_CHANNELS) -> tuple[int, ...]:
    """The 6 op ids of a micro string, full (``64-41414-1_30_321``, its width ``channels``) or bare
    (``1_30_321``)."""
    cell = _strip_prefix(text, "micro", _MICRO_FORM, tail=None, channels=channels)
    groups = cell.split("_")
    if len(groups) != len(_GROUP_SIZES):
        raise ArchitectureError(f"{_MICRO_FORM}; {text!r} has {len(groups)} group(s)")
    if tuple(len(group) for group in groups) != _GROUP_SIZES:
        raise ArchitectureError(f"{_MICRO_FORM}; the groups of {text!r} have "
                                f"{', '.join(str(len(g)) for g in groups)} digits")
    digits = "".join(groups)
    if not all(d in "0123" for d in digits):
        raise ArchitectureError(f"{_MICRO_FORM}; {text!r} has an op other than 0..3")
    return tuple(int(d) for d in digits)


def format_micro(ops: Sequence[int], channels: int = BASE_CHANNELS) -> str:
    """The string of a micro cell at base width ``channels``, e.g. the benchmark's ``64-41414-1_30_321``."""
    return micro_text(check_micro(ops), channels)


def micro_text(ops: tuple[int, ...], channels: int = BASE_CHANNELS) -> str:
    """:func:`format_micro` of ops already checked (the space's ``validate``): a search hashes every
    child it draws, and checking them twice was a third of evolution's time on this space."""
    d = "".join(map(str, ops))
    return f"{channels}-{MICRO_SKELETON}-{d[0]}_{d[1:3]}_{d[3:]}"


# --- macro -------------------------------------------------------------------------------------
def check_macro(code: Sequence[int]) -> tuple[int, ...]:
    """``code`` as a tuple of ints if it is a benchmark macro skeleton, else ArchitectureError saying why."""
    values = _integers(code, _MACRO_FORM)
    shown = f"'{''.join(map(str, values))}'" if all(0 <= v <= 9 for v in values) else _show(values)
    low, high = MACRO_MODULES
    if not low <= len(values) <= high:
        raise ArchitectureError(f"{_MACRO_FORM}; {shown} has {len(values)} module(s)")
    if not all(v in MACRO_DIGITS for v in values):
        raise ArchitectureError(f"{_MACRO_FORM}; {shown} has a digit outside 1..4")
    _check_count(shown, sum(map(halves_resolution, values)), MACRO_DOWNSAMPLES,
                 "halve the resolution (digit 3 or 4)")
    _check_count(shown, sum(map(doubles_channels, values)), MACRO_DOUBLINGS,
                 "double the channels (digit 2 or 4)")
    return values


def is_valid_macro(code: Sequence[int]) -> bool:
    """Whether ``code`` is one of the benchmark's 3,256 macro skeletons."""
    try:
        check_macro(code)
    except ArchitectureError:
        return False
    return True


def parse_macro(text: str, channels: int = BASE_CHANNELS) -> tuple[int, ...]:
    """The module digits of a macro string, full (``64-41414-basic``, its width ``channels``) or bare
    (``41414``)."""
    digits = _strip_prefix(text, "macro", _MACRO_FORM, tail="basic", channels=channels)
    if not digits.isascii() or not digits.isdigit():
        raise ArchitectureError(f"{_MACRO_FORM}; {text!r} has a character other than a digit")
    return check_macro(tuple(int(d) for d in digits))


def format_macro(code: Sequence[int], channels: int = BASE_CHANNELS) -> str:
    """The string of a macro skeleton at base width ``channels``, e.g. the benchmark's ``64-41414-basic``."""
    return f"{channels}-{''.join(str(v) for v in check_macro(code))}-basic"


@lru_cache(maxsize=1)
def _all_macro() -> tuple[tuple[int, ...], ...]:
    low, high = MACRO_MODULES
    return tuple(code for length in range(low, high + 1)
                 for code in product(MACRO_DIGITS, repeat=length) if is_valid_macro(code))


def enumerate_macro() -> list[tuple[int, ...]]:
    """All 3,256 macro skeletons, shortest first, then in digit order."""
    return list(_all_macro())


def sample_macro(rng: np.random.Generator) -> tuple[int, ...]:
    """A macro skeleton drawn uniformly from all 3,256.

    Uniform over architectures rather than NASLib's draw (length, then counts, then a
    permutation), which favours short skeletons: each benchmark entry is equally likely.
    """
    codes = _all_macro()
    return codes[int(rng.integers(len(codes)))]


def macro_neighbours(code: Sequence[int]) -> list[tuple[int, ...]]:
    """Every valid skeleton one edit from ``code``, without repeats, in a fixed order.

    The edits are: change one digit, insert a module (any digit, any position), delete a module.
    Changes come first (by position, then digit), then insertions, then deletions.
    """
    code = check_macro(code)
    changes = [code[:i] + (d,) + code[i + 1:] for i in range(len(code)) for d in MACRO_DIGITS
               if d != code[i]]
    inserts = [code[:i] + (d,) + code[i:] for i in range(len(code) + 1) for d in MACRO_DIGITS]
    deletes = [code[:i] + code[i + 1:] for i in range(len(code))]
    ordered = dict.fromkeys(c for c in changes + inserts + deletes if is_valid_macro(c))
    return list(ordered)


def mutate_macro(code: Sequence[int], rng: np.random.Generator) -> tuple[int, ...]:
    """A skeleton drawn uniformly from :func:`macro_neighbours`; never ``code`` itself."""
    neighbours = macro_neighbours(code)
    return neighbours[int(rng.integers(len(neighbours)))]


# --- helpers -----------------------------------------------------------------------------------
def _integers(values: Sequence[int], form: str) -> tuple[int, ...]:
    """``values`` as plain ints; numpy integers pass, strings, floats and bools do not."""
    if isinstance(values, (str, bytes)):
        raise ArchitectureError(f"{form}; got the string {values!r} where a tuple of ints belongs "
                                "(parse strings with parse_micro / parse_macro)")
    try:
        items = tuple(values)
    except TypeError:
        raise ArchitectureError(f"{form}; got {_show(values)}, which is not a sequence") from None
    if any(isinstance(v, bool) for v in items):
        raise ArchitectureError(f"{form}; got {_show(values)}, which holds booleans, not ints")
    try:
        return tuple(operator.index(v) for v in items)
    except TypeError:
        raise ArchitectureError(f"{form}; got {_show(values)}, which is not a sequence of ints") from None


def _show(value: object) -> str:
    """``repr(value)`` on one line (a 2-D array's repr spans several), so messages stay one line."""
    return " ".join(repr(value).split())


def _strip_prefix(text: str, space: str, form: str, tail: str | None, channels: int = BASE_CHANNELS) -> str:
    """The architecture part of a full string (or of a bare one), its width prefix ``channels`` or the benchmark's."""
    if not isinstance(text, str):
        raise ArchitectureError(f"{form}; got a value of type {type(text).__name__}, not a string")
    parts = text.strip().split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) != 3:
        raise ArchitectureError(f"{form}; {text!r} has {len(parts)} '-'-separated parts, "
                                "expected 3 (or just the architecture)")
    width, skeleton, last = parts
    if width not in (str(channels), str(BASE_CHANNELS)):  # the benchmark's name of a cell reads at any width:
        # the README's and the table's strings, and runs stored when every space wrote '64-'
        raise ArchitectureError(_width_refusal(text, space, form, width, channels))
    if tail is None:
        if skeleton != MICRO_SKELETON:
            raise ArchitectureError(f"{form}; {text!r} has the skeleton {skeleton!r}, but every "
                                    f"micro string uses '{MICRO_SKELETON}'")
        return last
    if last != tail:
        raise ArchitectureError(f"{form}; {text!r} ends in {last!r}, but every macro string "
                                f"ends in '-{tail}'")
    return skeleton


def _width_refusal(text: str, space: str, form: str, width: str, channels: int) -> str:
    """Why a string's width prefix is refused: it is the base channel count of a network that is neither this space's
    nor the benchmark's."""
    if channels == BASE_CHANNELS:
        return f"{form}; {text!r} starts with {width!r}, but every benchmark {space} string starts with '{channels}-'"
    other = f", or set base_channels={width} (--space-opt base_channels={width})" if width.isdigit() else ""
    return (f"{form}; {text!r} starts with {width!r}, but this space builds base_channels={channels} networks, whose "
            f"{space} strings start with '{channels}-' (or the benchmark's '{BASE_CHANNELS}-'): write it so, or "
            f"bare{other}")


def _check_count(shown: str, count: int, bounds: tuple[int, int], what: str) -> None:
    low, high = bounds
    if not low <= count <= high:
        raise ArchitectureError(f"{_MACRO_FORM}, {low} to {high} of which {what}; "
                                f"{shown} has {count}")
