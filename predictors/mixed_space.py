"""Several search spaces as one, so that one predictor fits on the cells of each at once.

FLAN's unified encodings let one model read any space's graphs (shared operations share a
vocabulary token, see ``predictors/vocabulary.py``). Fitting it on a *mix* of spaces, rather than on
one after another, needs the cells of every space in one training set: a :class:`MixedSpace`
architecture is ``(member index, architecture of that member)``, every encoding and identity is
the member's own, and ``space_of`` tells which rows may be compared (accuracies of
different benchmarks are on different scales, so a rank loss pairs cells of the same space only).
It is built by code (``MixedSpace(spaces)``, for ``nasloop predictors pretrain --joint``),
not registered by name, and lives beside that pretraining: no user searches it, and generic
predictor code reaches search spaces only through their base interface and the registry.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..engine.errors import ArchitectureError, ConfigError, UnsupportedError
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace


class MixedSpace(SearchSpace):
    """The union of ``spaces``: an architecture is ``(index, arch)`` with ``arch`` one of ``spaces[index]``'s."""

    name = "mixed"

    def __init__(self, spaces: Sequence[SearchSpace]) -> None:
        spaces = tuple(spaces)
        names = [s.name for s in spaces]
        if len(spaces) < 2 or len(set(names)) != len(names):
            raise ConfigError(f"a mix needs at least two different spaces, got {', '.join(names) or 'none'}")
        self.spaces, self._names = spaces, tuple(names)
        common = tuple(v for v in spaces[0].graph_encodings if all(v in s.graph_encodings for s in spaces))
        if not common:
            raise UnsupportedError(f"the spaces {', '.join(names)} share no graph encoding, so no graph model reads "
                                   "them all")
        self.graph_encodings = common
        # The members' own tokens (shared operations already unified): this space adds none.
        self.graph_ops = tuple(dict.fromkeys(s.token(op) for s in spaces for op in s.graph_ops))

    def token(self, op: str) -> str:
        return op

    @property
    def member_spaces(self) -> tuple[str, ...]:
        return self._names

    def space_of(self, archs: Sequence[Arch]) -> np.ndarray:
        return np.fromiter((self.validate(a)[0] for a in archs), dtype=np.int64, count=len(archs))

    # --- string form and identity ----------------------------------------------------------------
    def validate(self, arch: Any) -> tuple[int, Arch]:
        if not (isinstance(arch, tuple) and len(arch) == 2 and isinstance(arch[0], int)
                and 0 <= arch[0] < len(self.spaces)):
            raise ArchitectureError(f"an architecture of the mix of {', '.join(self.member_spaces)} is (member index, "
                                    f"architecture), got {arch!r}")
        return arch[0], self.spaces[arch[0]].validate(arch[1])

    def parse(self, text: str) -> tuple[int, Arch]:
        name, _, rest = text.partition(":")
        if name not in self.member_spaces:
            raise ArchitectureError(f"'{text}' is not written '<space>:<architecture>' with a space of the mix "
                                    f"({', '.join(self.member_spaces)})")
        index = self.member_spaces.index(name)
        return index, self.spaces[index].parse(rest)

    def format(self, arch: tuple[int, Arch]) -> str:
        index, inner = self.validate(arch)
        return f"{self.member_spaces[index]}:{self.spaces[index].format(inner)}"

    def hash(self, arch: tuple[int, Arch]) -> str:
        index, inner = self.validate(arch)
        return f"{self.member_spaces[index]}:{self.spaces[index].hash(inner)}"

    def functional_hash(self, arch: tuple[int, Arch]) -> str:
        index, inner = self.validate(arch)
        return f"{self.member_spaces[index]}:{self.spaces[index].functional_hash(inner)}"

    def canonical(self, arch: tuple[int, Arch]) -> tuple[int, Arch]:
        index, inner = self.validate(arch)
        return index, self.spaces[index].canonical(inner)

    # --- drawing and encoding --------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> tuple[int, Arch]:
        index = int(rng.integers(len(self.spaces)))
        return index, self.spaces[index].sample(rng)

    def mutate(self, arch: tuple[int, Arch], rng: np.random.Generator) -> tuple[int, Arch]:
        index, inner = self.validate(arch)
        return index, self.spaces[index].mutate(inner, rng)

    def _encode(self, arch: tuple[int, Arch], kind: str) -> Any:
        index, inner = arch
        return self.spaces[index].encode(inner, kind)
