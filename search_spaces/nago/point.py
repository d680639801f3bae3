"""A NAGO generator point: the eight hyperparameters of its three random-graph generators.

NAGO (Ru et al., NeurIPS 2020) searches a network *generator*: a top-level Watts-Strogatz graph
(G1: nodes, K, P), a mid-level Erdős-Rényi graph (G2: nodes, P) and a bottom-level Watts-Strogatz
graph (G3: nodes, K, P), with the ranges of the paper and of its reference implementation (vega's
``nago.yml``). A point is a frozen dataclass that checks itself when built, so every point in the
program is valid; probabilities sit on a 4-decimal grid, so the string form round-trips exactly.

Two coordinate systems. The *box* (:func:`to_box`, :func:`from_box`) is the eight numbers in their
own units, which Bayesian optimisation models directly (integers rounded, values clipped on the
way back). The *unit box* [0, 1]^8 (:func:`to_unit`, :func:`from_unit`) is where sampling and
mutation step and what the ``unit`` encoding gives predictors: a float is scaled linearly, an
integer with ``L`` values owns ``L`` equal bins and sits at its bin's centre, so a uniform draw is
uniform over the integers too and ``from_unit(to_unit(p)) == p``.
"""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, fields

import numpy as np

from ...engine.errors import ArchitectureError

DECIMALS = 4
"""Probabilities are rounded to this many decimals: a grid fine enough for BO, exact in strings."""
MUTATION_SIGMA = 0.15
"""Standard deviation of a mutation's Gaussian step in the unit box (about one node in G1's 8 values)."""
EXAMPLE = "g1=8,4,0.75;g2=5,0.3;g3=7,3,0.5"
FORM = "g1=nodes,K,P;g2=nodes,P;g3=nodes,K,P"
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
"""What the string form takes as numbers: ASCII digits only. Python's int and float also read other scripts' digits
('٨' as 8) and underscores ('1_0' as 10), so a point written with them trained as another and was named by the
value read ('got 10.0'), not by what was typed."""


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: its field name, its words for messages and its closed range."""

    name: str
    label: str
    low: float
    high: float
    integer: bool

    @property
    def levels(self) -> int | None:
        """How many values an integer dimension takes (None for a float one)."""
        return int(self.high - self.low) + 1 if self.integer else None

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        return f"{kind} in [{_text(self.low)}, {_text(self.high)}]"

    def check(self, value: object) -> int | float:
        """``value`` as this dimension stores it (int, or float on the grid); ArchitectureError if it does not fit."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise self.error(value)
        if self.integer:
            if not isinstance(value, (int, np.integer)):
                raise self.error(value)
            stored: int | float = int(value)
        else:
            if not math.isfinite(float(value)):
                raise self.error(value)
            stored = round(float(value), DECIMALS)
        if not self.low <= stored <= self.high:
            raise self.error(value)
        return stored

    def error(self, value: object) -> ArchitectureError:
        """The one-line error for a value (or string token) this dimension does not take."""
        return ArchitectureError(f"NAGO {self.label} must be {self.describe()}, got {value!r}; "
                                 f"write a point as {FORM}, e.g. {EXAMPLE}")

    def to_unit(self, value: int | float) -> float:
        if self.integer:
            return (value - self.low + 0.5) / self.levels
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> int | float:
        u = min(max(float(u), 0.0), 1.0)
        if self.integer:
            return int(self.low) + min(int(u * self.levels), self.levels - 1)
        return round(self.low + u * (self.high - self.low), DECIMALS)


HYPERPARAMETERS: tuple[Hyperparameter, ...] = (
    Hyperparameter("g1_nodes", "g1 nodes (top-level Watts-Strogatz graph)", 3, 10, True),
    Hyperparameter("g1_k", "g1 K (top-level Watts-Strogatz neighbours)", 2, 5, True),
    Hyperparameter("g1_p", "g1 P (top-level Watts-Strogatz rewiring probability)", 0.1, 1.0, False),
    Hyperparameter("g2_nodes", "g2 nodes (mid-level Erdős-Rényi graph)", 3, 10, True),
    Hyperparameter("g2_p", "g2 P (mid-level Erdős-Rényi edge probability)", 0.1, 1.0, False),
    Hyperparameter("g3_nodes", "g3 nodes (bottom-level Watts-Strogatz graph)", 3, 10, True),
    Hyperparameter("g3_k", "g3 K (bottom-level Watts-Strogatz neighbours)", 2, 5, True),
    Hyperparameter("g3_p", "g3 P (bottom-level Watts-Strogatz rewiring probability)", 0.1, 1.0, False),
)
"""The eight hyperparameters, in the order of the point's fields, its string and both its vectors."""
_GROUPS = (("g1", 3), ("g2", 2), ("g3", 3))
"""The string's three groups and how many of the dimensions (in order) each holds."""


@dataclass(frozen=True)
class NAGOPoint:
    """One generator: checked and put on the grid when built, hashable, immutable."""

    g1_nodes: int
    g1_k: int
    g1_p: float
    g2_nodes: int
    g2_p: float
    g3_nodes: int
    g3_k: int
    g3_p: float

    def __post_init__(self) -> None:
        for dim in HYPERPARAMETERS:  # frozen: the checked value replaces the given one once, here
            object.__setattr__(self, dim.name, dim.check(getattr(self, dim.name)))

    @property
    def values(self) -> tuple[int | float, ...]:
        """The eight numbers in :data:`HYPERPARAMETERS` order."""
        return tuple(getattr(self, f.name) for f in fields(self))


def _text(value: float) -> str:
    """A number as the string form writes it: integers bare, probabilities with at most 4 decimals."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")


def format_point(point: NAGOPoint) -> str:
    """``g1=nodes,K,P;g2=nodes,P;g3=nodes,K,P``: the canonical string, read back by :func:`parse_point`."""
    values, groups, start = point.values, [], 0
    for name, count in _GROUPS:
        groups.append(f"{name}=" + ",".join(_text(v) for v in values[start:start + count]))
        start += count
    return ";".join(groups)


def parse_point(text: str) -> NAGOPoint:
    """Read :func:`format_point`'s form; one ArchitectureError line saying what is wrong and how to write it."""
    if not isinstance(text, str):
        raise ArchitectureError(f"a NAGO point is a string like {EXAMPLE}, got {type(text).__name__}")
    parts = [part.strip() for part in text.strip().split(";")]
    if len(parts) != len(_GROUPS):
        raise ArchitectureError(f"'{text}' is not a NAGO point: expected 3 groups {FORM} separated by ';' "
                                f"(e.g. {EXAMPLE}), got {len(parts)}")
    values: list[int | float] = []
    for part, (name, count) in zip(parts, _GROUPS):
        label, sep, body = part.partition("=")
        tokens = [token.strip() for token in body.split(",")]
        if not sep or label.strip() != name or len(tokens) != count:
            raise ArchitectureError(f"'{text}' is not a NAGO point: group '{part}' should be {name}= followed by "
                                    f"{count} comma-separated numbers, as in {FORM} (e.g. {EXAMPLE})")
        for token, dim in zip(tokens, HYPERPARAMETERS[len(values):]):
            values.append(_read_number(token, dim))
    return NAGOPoint(*values)


def _read_number(token: str, dim: Hyperparameter) -> int | float:
    """One token of the string as ``dim`` takes it (range checks follow in NAGOPoint)."""
    if not (_INTEGER if dim.integer else _DECIMAL).match(token):
        raise dim.error(token)
    return int(token) if dim.integer else float(token)


# --- the box and the unit box ----------------------------------------------------------------
def _vector(x: object, what: str) -> np.ndarray:
    """``x`` as eight finite float64 numbers; one ArchitectureError line otherwise."""
    vector = np.asarray(x, dtype=np.float64).ravel()
    if vector.shape != (len(HYPERPARAMETERS),) or not np.isfinite(vector).all():
        raise ArchitectureError(f"a NAGO {what} vector has {len(HYPERPARAMETERS)} finite entries "
                                f"({', '.join(h.name for h in HYPERPARAMETERS)}), got shape {np.shape(x)}")
    return vector


def to_box(point: NAGOPoint) -> np.ndarray:
    """The eight hyperparameters as float64, in their own units."""
    return np.array(point.values, dtype=np.float64)


def from_box(x: object) -> NAGOPoint:
    """The point nearest box coordinates ``x``: clipped to each range, integers rounded (halves up)."""
    values = []
    for dim, v in zip(HYPERPARAMETERS, _vector(x, "box")):
        v = min(max(float(v), dim.low), dim.high)
        values.append(math.floor(v + 0.5) if dim.integer else v)
    return NAGOPoint(*values)


def to_unit(point: NAGOPoint) -> np.ndarray:
    """The point in [0, 1]^8 (float64): floats scaled linearly, integers at their bin's centre."""
    return np.array([dim.to_unit(v) for dim, v in zip(HYPERPARAMETERS, point.values)], dtype=np.float64)


def from_unit(u: object) -> NAGOPoint:
    """The point of a unit-box vector (clipped into [0, 1]; integers by bin, floats onto the grid)."""
    return NAGOPoint(*(dim.from_unit(x) for dim, x in zip(HYPERPARAMETERS, _vector(u, "unit"))))


def sample_point(rng: np.random.Generator) -> NAGOPoint:
    """A point drawn uniformly from the box (uniform over each integer range too)."""
    return from_unit(rng.random(len(HYPERPARAMETERS)))


def mutate_point(point: NAGOPoint, rng: np.random.Generator) -> NAGOPoint:
    """A Gaussian step of :data:`MUTATION_SIGMA` in the unit box, redrawn until it lands on another point."""
    centre = to_unit(point)
    while True:
        moved = from_unit(np.clip(centre + rng.normal(0.0, MUTATION_SIGMA, centre.shape), 0.0, 1.0))
        if moved != point:
            return moved
