"""The search-space interface.

A search space says what an architecture is: how to write it down and read it back, draw and
mutate it, hash it, and encode it for predictors. Architectures are small immutable values chosen
by the space (a tuple of op indices, a frozen dataclass of graph matrices, a tuple of floats for a
generator space such as NAGO); only ``to_module`` ever builds a network.

Capabilities differ between spaces. A continuous space (NAGO) has no finite size, cannot be
enumerated and has no natural neighbourhood; such methods raise :class:`UnsupportedError` with a
message the CLI shows as is, and a strategy that needs them says so up front.
"""
from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Sequence

import numpy as np

from ..engine.errors import UnsupportedError
from ..engine.types import Arch

if TYPE_CHECKING:  # torch is only needed by whoever trains a network
    import torch


@dataclass(frozen=True)
class GraphEncoding:
    """A DAG with operations on the nodes, the form GNN predictors consume.

    ``ops`` names each node's operation as ``"<space>/<op>"`` so that a unified vocabulary can
    tell spaces apart or share operations between them; the first node is the input and the last
    the output. ``edges`` is a (2, E) array of (source, target) node indices in topological order.
    """

    ops: tuple[str, ...]
    edges: np.ndarray

    @property
    def num_nodes(self) -> int:
        return len(self.ops)


GRAPH_ENCODINGS: tuple[str, ...] = ("graph", "dataflow")
"""Encoding kinds that give a :class:`GraphEncoding`.

``graph`` is the architecture as written; ``dataflow`` has the same nodes but only the arcs data
flows along (an op that outputs zero cuts its node off, an identity is bypassed, arcs off every
input-to-output path are dropped). A GNN reading both sees two views of one architecture.
"""


class SearchSpace(ABC):
    """Base class for search spaces; subclass it and register with ``@register_search_space``."""

    name: ClassVar[str] = "space"
    encodings: ClassVar[tuple[str, ...]] = ()
    """Encoding kinds :meth:`encode` accepts (``onehot``, ``path``, ``graph``, ``dataflow``, ``vector``...)."""

    # --- string form -------------------------------------------------------------------------
    @abstractmethod
    def parse(self, text: str) -> Arch:
        """Read an architecture from its string form; raise ArchitectureError saying what is wrong."""

    @abstractmethod
    def format(self, arch: Arch) -> str:
        """The canonical string of ``arch``: ``parse(format(a)) == a``."""

    def validate(self, arch: Arch) -> Arch:
        """Return ``arch`` if it belongs to the space, else raise ArchitectureError."""
        return self.parse(self.format(arch))

    # --- drawing and moving ------------------------------------------------------------------
    @abstractmethod
    def sample(self, rng: np.random.Generator) -> Arch:
        """One architecture drawn from the space's default distribution."""

    @abstractmethod
    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """A random architecture near ``arch``, never ``arch`` itself."""

    def neighbours(self, arch: Arch) -> list[Arch]:
        """Every architecture one elementary edit away, in a fixed order."""
        raise UnsupportedError(f"search space '{self.name}' has no finite neighbourhood; "
                               "use a strategy that mutates (random, evolution) instead")

    # --- identity ----------------------------------------------------------------------------
    def hash(self, arch: Arch) -> str:
        """A stable identity, equal for equal architectures, across processes and versions."""
        return hashlib.blake2b(self.format(arch).encode(), digest_size=12).hexdigest()

    def functional_hash(self, arch: Arch) -> str:
        """Equal for architectures that compute the same function (isomorphic graphs, dead edges).

        Spaces whose ``hash`` is already isomorphism-invariant (NAS-Bench-101's graph hash) keep
        this default.
        """
        return self.hash(arch)

    def canonical(self, arch: Arch) -> Arch:
        """One fixed representative of the architectures that compute what ``arch`` computes.

        Predictors read architectures through it, so equivalent cells (a dead edge set to any op,
        parallel paths written in another order) get one prediction and share what is learned
        about them. The default, ``arch`` itself, suits spaces whose encoding is already canonical.
        """
        return arch

    @property
    def size(self) -> int | None:
        """The number of architectures, or None when the space is infinite or continuous."""
        return None

    def enumerate(self) -> Iterator[Arch]:
        """Every architecture in a fixed order (finite spaces only)."""
        raise UnsupportedError(f"search space '{self.name}' cannot be enumerated")

    # --- encodings ---------------------------------------------------------------------------
    def encode(self, arch: Arch, kind: str) -> Any:
        """Encode one architecture; vector kinds return a 1-D float32 array, graph kinds a GraphEncoding."""
        self._check_encoding(kind)
        return self._encode(arch, kind)

    def encode_many(self, archs: Sequence[Arch], kind: str) -> Any:
        """Encode many architectures: a (n, d) array for vector kinds, a list for graph kinds."""
        self._check_encoding(kind)
        encoded = [self._encode(a, kind) for a in archs]
        if kind in GRAPH_ENCODINGS:
            return encoded
        if not encoded:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack(encoded).astype(np.float32, copy=False)

    def _check_encoding(self, kind: str) -> None:
        if kind not in self.encodings:
            raise UnsupportedError(f"search space '{self.name}' has no '{kind}' encoding; "
                                   f"it offers: {', '.join(self.encodings) or 'none'}")

    def _encode(self, arch: Arch, kind: str) -> Any:
        raise UnsupportedError(f"search space '{self.name}' has no '{kind}' encoding")

    # --- real networks -----------------------------------------------------------------------
    def to_module(self, arch: Arch, num_classes: int = 10, **options: Any) -> "torch.nn.Module":
        """Build a trainable network for ``arch``; ``options`` are space-specific (channels, depth)."""
        raise UnsupportedError(f"search space '{self.name}' cannot build networks yet")

    # --- configuration -----------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """Constructor arguments that recreate this space (stored with each run)."""
        return {}
