"""The search-space interface, and the capabilities a space may add to it.

A search space says what an architecture is: how to write it down and read it back, draw and
mutate it, hash it, and encode it for predictors. Architectures are small immutable values chosen
by the space (a tuple of op indices, a frozen dataclass of graph matrices, a tuple of floats for a
generator space such as NAGO); only ``to_module`` ever builds a network.

Everything beyond that is a capability, declared by inheriting its mixin (as archai's
``EvolutionarySearchSpace`` and friends do), so a strategy or evaluator that needs one is
refused before the first evaluation, in one line, instead of failing after ten:

* :class:`EnumerableSpace`: ``size`` and ``enumerate`` (guided strategies rank a finite space whole);
* :class:`NeighbourhoodSpace`: ``neighbours`` (local search);
* :class:`NetworkSpace`: ``to_module`` (zero-cost proxies and real training).

A space's tabular data is a :class:`~.benchmark.Benchmark` (:mod:`.benchmark`), defined in each
space's folder.

Encodings are declared by kind: ``vector_encodings`` give 1-D float arrays (GP, MLP), and
``graph_encodings`` give a :class:`GraphEncoding` (FLAN, EmProx). The op names a graph encoding
can hold are declared in ``graph_ops``; constructing the space registers them in the unified
vocabulary, so a GNN can read any space without its author knowing about the vocabulary.
A space's own options (network width and depth, a benchmark restriction) are its constructor's
parameters, set with ``--space-opt KEY=VALUE``.
"""
from __future__ import annotations

import hashlib
import inspect
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Mapping, Sequence

import numpy as np

from ..engine.errors import ConfigError, UnsupportedError
from ..engine.options import Configurable
from ..engine.registry import SEARCH_SPACES, RegisteredName
from ..engine.types import Arch
from ..predictors.vocabulary import SEPARATOR, SHARED, SHARED_OPS, register_tokens, shared_token
from .graph_check import check_graphs
from .graph_encoding import GraphEncoding  # noqa: F401  (re-exported: spaces and predictors import it from here)
from .benchmark import Benchmark, Task  # noqa: F401  (the benchmark interface, reached through the space interface)
from .draws import DRAWING_METHODS, checked_draws

if TYPE_CHECKING:  # torch is only needed by whoever trains a network
    import torch


class SearchSpace(Configurable, ABC):
    """Base class for search spaces; subclass it and register with ``@register_search_space``."""

    plugin_kind = "search space"
    name: ClassVar[str] = RegisteredName(SEARCH_SPACES)  # a space sets its own: see assemble.build_space
    vector_encodings: ClassVar[tuple[str, ...]] = ()
    """Encodings that give a 1-D float32 array of fixed length (``onehot``, ``path``...); the first is the default."""
    graph_encodings: ClassVar[tuple[str, ...]] = ()
    """Encodings that give a :class:`GraphEncoding` (``graph``, ``dataflow``...)."""
    graph_ops: ClassVar[tuple[str, ...]] = ()
    """Bare names of every node operation a graph encoding can hold, input and output markers included."""
    same_ops: ClassVar[Mapping[str, str]] = {}
    """Which of :attr:`graph_ops` are the same operation as another space's, by their shared name
    (``{"nor_conv_3x3": "conv3x3"}``): their tokens are shared (see :mod:`nasloop.predictors.vocabulary`)."""
    benchmark: ClassVar[str | None] = None
    """The registered benchmark that tabulates this space, if any (``--evaluator tabular`` needs one)."""
    keeps_to_table: ClassVar[bool] = False
    """Whether ``table_only=true`` keeps the space to its benchmark table's cells, which it then lists (see
    :mod:`nasloop.search_spaces.table_bound`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "encodings" in cls.__dict__:
            raise ConfigError(f"search space {cls.__name__} sets 'encodings'; declare vector_encodings and "
                              "graph_encodings instead (each encoding is a vector or a graph)")
        for name in DRAWING_METHODS:  # each space's own, checked where it is defined (see draws.py)
            if name in cls.__dict__:
                setattr(cls, name, checked_draws(cls.__dict__[name], name))

    def __init__(self, *given: Any, **named: Any) -> None:
        """Sets nothing (so a space without a constructor of its own passes :meth:`_constructed` too); a user's
        ``super().__init__(context=context)`` failed in Python's words, so what it is handed is named with the fix."""
        if given or named:
            passed = ", ".join(f"{key}=" for key in named) or "a positional argument"
            raise ConfigError(f"search space '{self.name}' ({type(self).__name__}) passes {passed} to "
                              "SearchSpace.__init__, which takes nothing; keep what your constructor takes yourself "
                              "(self.context = context) and call super().__init__() with no arguments")

    def _constructed(self) -> None:
        if SEPARATOR in self.name or self.name == SHARED:
            raise ConfigError(f"search space name {self.name!r} may not contain '{SEPARATOR}' or be '{SHARED}'")
        named = next((op for op in self.graph_ops if SEPARATOR in op and self.token(op) != op), None)
        if named is not None:  # a token where a bare name belongs: _encode's self.token(op) then wrote 'space/space/op'
            raise ConfigError(f"search space '{self.name}' lists '{named}' in graph_ops; list bare op names "
                              f"('{named.rpartition(SEPARATOR)[2]}'), and write self.token(op) in _encode")
        stray = sorted(set(self.same_ops) - set(self.graph_ops))
        if stray:
            raise ConfigError(f"search space '{self.name}' lists '{stray[0]}' in same_ops but not in graph_ops")
        unknown = next(((op, shared) for op, shared in self.same_ops.items() if shared not in SHARED_OPS), None)
        if unknown is not None:  # named with the space and the fix, not by the vocabulary as a bare name
            raise ConfigError(f"search space '{self.name}' maps '{unknown[0]}' to '{unknown[1]}' in same_ops, which is "
                              f"not a shared operation; map it to one of {', '.join(SHARED_OPS)}, or leave it out "
                              "to keep the space's own token")
        twice = next((s for s in self.same_ops.values() if list(self.same_ops.values()).count(s) > 1), None)
        if twice is not None:  # which ops, and what to do with ops a width apart (one token each), went unsaid
            ops = ", ".join(op for op, shared in self.same_ops.items() if shared == twice)
            raise ConfigError(f"search space '{self.name}' maps {ops} all to '{twice}' in same_ops; a shared op is "
                              "one op of each space, so map one of them and leave out the others, which keep the "
                              "space's own tokens")
        if self.graph_ops:
            register_tokens([self.token(op) for op in self.graph_ops])
        if self.encodings and type(self)._encode is SearchSpace._encode:  # found now, not after the warm-up
            raise ConfigError(f"search space '{self.name}' declares the '{self.encodings[0]}' encoding but does not "
                              "define _encode; add it (a 1-D array for a vector encoding, a GraphEncoding for a "
                              "graph one) or drop the declaration")

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

    # --- spaces within a space (a mix of several, see ``mixed.py``) --------------------------
    @property
    def member_spaces(self) -> tuple[str, ...]:
        """The names of the spaces this one is made of: itself, except for a mix of several."""
        return (self.name,)

    def space_of(self, archs: Sequence[Arch]) -> np.ndarray:
        """Each architecture's index in :attr:`member_spaces`. A model ranks architectures against
        each other only within one member: two benchmarks' accuracies are not comparable."""
        return np.zeros(len(archs), dtype=np.int64)

    @property
    def size(self) -> int | None:
        """The number of architectures, or None when the space is infinite, continuous or unknown."""
        return None

    # --- encodings ---------------------------------------------------------------------------
    @property
    def encodings(self) -> tuple[str, ...]:
        """Every encoding kind :meth:`encode` accepts, vectors first."""
        return self.vector_encodings + self.graph_encodings

    def encode(self, arch: Arch, kind: str) -> Any:
        """Encode one architecture; vector kinds return a 1-D float32 array, graph kinds a GraphEncoding."""
        self._check_encoding(kind)
        return self._encode(arch, kind)

    def encode_many(self, archs: Sequence[Arch], kind: str) -> Any:
        """Encode many architectures: a (n, d) array for vector kinds, a list for graph kinds."""
        self._check_encoding(kind)
        encoded = [self._encode(a, kind) for a in archs]
        if kind in self.graph_encodings:
            return encoded
        if not encoded:  # (0, d) as documented, the width read off a sample: (0, 0) failed to stack with others
            return np.zeros((0, np.size(self._encode(self.sample(np.random.default_rng(0)), kind))), dtype=np.float32)
        first = np.shape(encoded[0])
        odd = next((i for i, e in enumerate(encoded) if np.ndim(e) != 1 or np.shape(e) != first), None)
        if odd is not None:  # a 2-D encoding failed inside botorch or numpy, naming neither space nor architecture
            raise ConfigError(f"search space '{self.name}' encodes {self.format(archs[odd])} as '{kind}' with shape "
                              f"{np.shape(encoded[odd])}{'' if odd == 0 else f' (the first, {first})'}; a vector "
                              "encoding is one 1-D array of the same length for every architecture; fix its _encode")
        stacked = np.stack(encoded).astype(np.float32, copy=False)
        finite = np.isfinite(stacked).all(axis=1)
        if not finite.all():  # a model would fail deep inside its fit, naming neither space nor architecture
            bad = archs[int(np.argmin(finite))]
            raise ConfigError(f"search space '{self.name}' encodes {self.format(bad)} as '{kind}' with "
                              "values that are not finite numbers; fix its _encode")
        return stacked

    def check_encodings(self, samples: int = 32) -> None:
        """Encode ``samples`` sampled architectures (from a generator of their own: no strategy's draws change) in
        every declared encoding; one line naming the architecture and the fix where one breaks the contract.

        Called before a predictor or BO runs: a vector whose length depends on the architecture otherwise failed
        at the first fit, after the initial evaluations, and a graph op missing from ``graph_ops`` was read as
        unknown by EmProx and dropped by graph features for a whole run."""
        if not self.encodings:
            return
        rng = np.random.default_rng(0)
        archs = [self.sample(rng) for _ in range(samples)]
        for kind in self.vector_encodings:
            self.encode_many(archs, kind)  # one shape for all, finite values: it names the first that is not
        check_graphs(self, archs)  # their ops listed, their edges forward (search_spaces/graph_check.py)

    def _check_encoding(self, kind: str) -> None:
        if kind not in self.encodings:
            raise UnsupportedError(f"search space '{self.name}' has no '{kind}' encoding; "
                                   f"it offers: {', '.join(self.encodings) or 'none'}")

    def _encode(self, arch: Arch, kind: str) -> Any:
        """One architecture in one of the declared encodings (``kind`` is already checked)."""
        raise UnsupportedError(f"search space '{self.name}' declares the '{kind}' encoding but does not "
                               "implement _encode for it")

    def token(self, op: str) -> str:
        """The vocabulary token of one of :attr:`graph_ops` in this space's graph encodings."""
        shared = self.same_ops.get(op)
        return shared_token(shared) if shared is not None else f"{self.name}{SEPARATOR}{op}"


class EnumerableSpace(SearchSpace):
    """A finite space that can list every architecture (guided strategies rank it whole).

    ``size`` None means this instance cannot be enumerated after all: a space finite only under
    an option (NB101 kept to its benchmark table) says so per instance; :func:`enumerable` checks both.
    """

    @property
    @abstractmethod
    def size(self) -> int | None:
        """The number of architectures (None: this instance is not enumerable)."""

    @abstractmethod
    def enumerate(self) -> Iterator[Arch]:
        """Every architecture, in a fixed order."""

    def enumerated_hashes(self) -> list[str]:
        """``hash`` of each architecture :meth:`enumerate` lists, in its order: what a strategy counting the unseen
        ones needs, which a space whose table stores them reads without building the architectures."""
        return [self.hash(arch) for arch in self.enumerate()]


def enumerable(space: SearchSpace) -> bool:
    """Whether ``space`` can list every architecture (an :class:`EnumerableSpace` with a size)."""
    return isinstance(space, EnumerableSpace) and space.size is not None


def table_only_flag(space: SearchSpace) -> str:
    """`` --space-opt table_only=true`` for a space that lists its table's cells when kept to it, else nothing:
    the flag advice for precomputing or enumerating such a space needs."""
    return " --space-opt table_only=true" if space.keeps_to_table else ""


class NeighbourhoodSpace(SearchSpace):
    """A space where every architecture has a finite list of neighbours (local search climbs it)."""

    @abstractmethod
    def neighbours(self, arch: Arch) -> list[Arch]:
        """Every architecture one elementary edit away, in a fixed order."""


class NetworkSpace(SearchSpace):
    """A space that can build the network of an architecture (zero-cost proxies, real training)."""

    size_options: ClassVar[tuple[str, ...]] = ()
    """Options that size the networks :meth:`to_module` builds (widths, depths), kept as attributes of the
    same names. A benchmark's results and stored proxies are those of the networks built at their defaults."""

    def resized(self) -> list[str]:
        """The size options set away from their defaults, as ``name=value``: none for the benchmark's networks."""
        return [f"{name}={getattr(self, name)}" for name in self.size_options
                if getattr(self, name) != _default(type(self), name)]

    @abstractmethod
    def to_module(self, arch: Arch, *, num_classes: int = 10) -> "torch.nn.Module":
        """A freshly initialised network for ``arch`` (its size from the space's options; ``num_classes`` by name)."""


def _default(cls: type, name: str) -> Any:
    """The default of constructor parameter ``name`` where the class hierarchy declares it (a user's subclass may
    define its own ``__init__`` without it)."""
    for klass in cls.__mro__:
        parameter = inspect.signature(klass.__init__).parameters.get(name)
        if parameter is not None:
            return parameter.default
    return inspect.Parameter.empty


@dataclass(frozen=True)
class Dimension:
    """One coordinate of a :class:`BoxSpace`: a named range, continuous or of integers."""

    name: str
    low: float
    high: float
    integer: bool = False


class BoxSpace(SearchSpace):
    """A space whose architectures are points of a box of continuous and integer coordinates.

    Bayesian optimisation searches such a space directly: it models the objective over
    ``to_box(arch)`` and proposes coordinates that ``from_box`` turns back into an architecture
    (rounding integer coordinates and clipping to the box), rather than ranking a candidate pool.
    """

    @property
    @abstractmethod
    def dimensions(self) -> tuple[Dimension, ...]:
        """The box's coordinates, in the order of ``to_box``."""

    @abstractmethod
    def to_box(self, arch: Arch) -> np.ndarray:
        """``arch`` as a float64 vector of its coordinates in their own units."""

    @abstractmethod
    def from_box(self, x: Sequence[float]) -> Arch:
        """The architecture nearest coordinates ``x`` (integers rounded, values clipped to the box)."""


class GeneratorSpace(NetworkSpace):
    """A space whose architecture is a network *generator* (NAGO's hyperparameters), not one network.

    ``to_module`` draws one network from the generator; ``seed`` picks the draw, so a point and a
    seed always give the same network. Evaluators that build networks train or score several
    draws of one point when asked for ``replicates`` and report their mean and spread.
    """

    @abstractmethod
    def to_module(self, arch: Arch, *, num_classes: int = 10, seed: int = 0) -> "torch.nn.Module":
        """The network drawn from generator ``arch`` with draw ``seed``, freshly initialised (both passed by name)."""


class VectorEncoded:
    """Capability marker: the space declares a vector encoding (vector predictors and BO read it)."""


CAPABILITIES: dict[type, str] = {
    BoxSpace: "is a box of hyperparameters (BoxSpace: dimensions, to_box, from_box)",
    VectorEncoded: "declares a vector encoding (vector_encodings)",
    EnumerableSpace: "can be enumerated (EnumerableSpace: size and enumerate)",
    NeighbourhoodSpace: "has neighbours (NeighbourhoodSpace: neighbours)",
    NetworkSpace: "can build networks (NetworkSpace: to_module)",
}
"""Each capability mixin, described for messages."""


Requirement = type | tuple[type, ...]
"""A capability mixin (or :class:`VectorEncoded`), or a tuple of them of which any one will do."""


def _has(space: SearchSpace, capability: type) -> bool:
    if capability is VectorEncoded:
        return bool(space.vector_encodings)
    return isinstance(space, capability) and (capability is not EnumerableSpace or enumerable(space))


def _describe(requirement: Requirement) -> str:
    alternatives = requirement if isinstance(requirement, tuple) else (requirement,)
    return " or ".join(CAPABILITIES.get(c, c.__name__) for c in alternatives)


def missing_capabilities(space: SearchSpace, required: Sequence[Requirement]) -> list[str]:
    """The descriptions of the requirements in ``required`` that ``space`` does not meet (with a hint when the
    space defines a capability's methods but does not derive from its class, which is what is checked)."""
    missing = []
    for requirement in required:
        alternatives = requirement if isinstance(requirement, tuple) else (requirement,)
        if any(_has(space, c) for c in alternatives):
            continue
        defined = [(c.__name__, methods) for c in alternatives if isinstance(c, type) and issubclass(c, SearchSpace)
                   for methods in [_defined_methods_of(space, c)] if methods]
        missing.append(_describe(requirement) + (f" (it defines {', '.join(defined[0][1])} but does not derive "
                                                 f"from {defined[0][0]})" if defined else ""))
    return missing


def _defined_methods_of(space: SearchSpace, capability: type) -> list[str]:
    """The abstract methods ``capability`` adds, when ``space`` defines them all (else none)."""
    own = [name for name, value in vars(capability).items() if getattr(value, "__isabstractmethod__", False)]
    return own if own and all(callable(getattr(type(space), name, None)) for name in own) else []
