"""The strategy interface: ask for architectures, be told how they did, resume exactly.

A strategy sees only what a search may see: the architectures it asked for and their objective
scores (higher is better; None for failed evaluations). ``state_dict`` must capture everything
that decides future asks, random generator included, as JSON-compatible data, so a search
interrupted at any point continues as if it never stopped.
"""
from __future__ import annotations

import functools
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Mapping

import numpy as np

from ..engine.errors import ConfigError, NasloopError, UnsupportedError, check_base_init, check_requires
from ..engine.registry import STRATEGIES
from ..engine.options import Configurable, Seed, takes
from ..engine.parsed_texts import parsed
from ..engine.types import Arch, Observation
from ..search_spaces.base import Requirement, SearchSpace, missing_capabilities


class UnreadableState(ConfigError, KeyError):
    """``load_state_dict`` given a state without a key it reads (``{}``): raised from the KeyError, which named
    neither the strategy nor the fix; a resume names that KeyError, the store's damage, instead (engine/loop.py)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _checked_ask(ask: Callable[..., list[Arch]]) -> Callable[..., list[Arch]]:
    """``ask`` refusing a count that is no whole number >= 1 in one line: ``ask("2")`` failed as a TypeError deep
    inside the strategy (or the space's sampler), naming neither."""
    @functools.wraps(ask)
    def checked(self: Strategy, n: int) -> list[Arch]:
        try:
            count = operator.index(n) if not isinstance(n, bool) else -1
        except TypeError:
            count = -1
        if count < 1:
            raise ConfigError(f"strategy {STRATEGIES.label(self)}: ask(n) takes how many architectures to propose, a "
                              f"whole number >= 1; got {n!r:.60}")
        return ask(self, count)

    return checked


class _ReadState(dict):  # type: ignore[type-arg]
    """The state as ``load_state_dict`` reads it, noting each key its top level was asked for and lacked: a
    KeyError for a key read deeper (``state["best"]["score"]``) is then not blamed on the top level."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__(state)
        self.missed: set[object] = set()

    def __missing__(self, key: object) -> Any:
        self.missed.add(key)
        raise KeyError(key)


def _checked_load(load: Callable[..., None]) -> Callable[..., None]:
    """``load_state_dict`` refusing, in one line naming the strategy, a state that is no dict or lacks a key it
    reads: ``load_state_dict({})`` raised a bare KeyError: 'rng'."""
    @functools.wraps(load)
    def checked(self: Strategy, state: dict[str, Any]) -> None:
        fix = "pass what its state_dict() returned"
        if not isinstance(state, dict):
            raise ConfigError(f"strategy {STRATEGIES.label(self)}: load_state_dict got a {type(state).__name__}, not "
                              f"a dict; {fix}")
        read = state if isinstance(state, _ReadState) else _ReadState(state)
        try:
            load(self, read)
        except KeyError as exc:
            key = exc.args[0] if len(exc.args) == 1 else None
            if isinstance(exc, NasloopError) or not isinstance(key, str) or key in state:
                raise  # already named, or not a key of the state itself
            where = "a state without" if key in read.missed else "a state lacking a key it reads,"
            raise UnreadableState(f"strategy {STRATEGIES.label(self)}: load_state_dict got {where} "
                                  f"'{key}'; {fix}") from exc

    return checked


class Strategy(Configurable, ABC):
    """Base class for strategies; subclass and register with ``@register_strategy``.

    Implement ``ask(n)`` (a list of 1 to ``n`` architectures of the space) and ``tell(observations)``; a constructor
    of your own takes ``space`` and ``seed`` (a search refuses one without: every seed would draw alike), then your
    options with type hints, and calls ``super().__init__(space, seed)``, which makes ``self.rng`` the run's
    generator. Keep what decides later asks in ``state_dict``/``load_state_dict`` (plain JSON data) to resume exactly.

    ``requires`` lists the capability mixins of :mod:`nasloop.search_spaces.base` the strategy
    needs (local search: ``NeighbourhoodSpace``); a search on a space without them is refused
    before the first evaluation, naming the strategies that would work.
    """

    plugin_kind = "strategy"
    wiring = ("space", "seed", "predictor", "context", "num_objectives")
    requires: ClassVar[tuple[Requirement, ...]] = ()
    multi_objective: ClassVar[bool] = False
    """Whether the strategy can search several objectives at once (``--objectives``); it reads
    ``Observation.scores`` and takes ``num_objectives`` in its constructor when it needs the count."""
    default_predictor: ClassVar[str | None] = None
    """The predictor a predictor-guided strategy (one whose constructor takes ``predictor``) uses without
    --predictor."""
    random_start: ClassVar[str | None] = None
    """The option counting the evaluations drawn at random before the strategy uses what it has seen: a run no
    longer than that is random search, which ``nasloop search`` then says."""
    random_start_note: ClassVar[str] = "at random ({option}), so this {done}-evaluation run was random search"
    """How that note goes on after '<strategy> draws its first N evaluations '."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_requires(cls, "strategy")
        for name, checked in (("ask", _checked_ask), ("load_state_dict", _checked_load)):
            method = cls.__dict__.get(name)  # the class's own: an inherited one is checked where it was defined
            if method is not None and not getattr(method, "__isabstractmethod__", False):  # abc's own protocol
                setattr(cls, name, checked(method))

    @classmethod
    def reads_dataset_with(cls, space: type[SearchSpace], options: Mapping[str, Any]) -> bool:
        """Whether the strategy itself, built on a ``space`` of this class with ``options`` (every option, the run's
        over the constructor's defaults), reads the run's dataset: its predictor answers for its own. A search of a
        user's space records a dataset only where something reads one (:func:`nasloop.engine.assemble.reads_dataset`),
        and the space is not built yet, since the dataset decides its context. By default, whether it takes the run
        ``context``, through which it may read anything; a strategy that reads the dataset for some options only
        says which (a guided one's warm-up proxies)."""
        return takes(cls, "context")

    def __init__(self, space: SearchSpace, seed: Seed = 0) -> None:
        self.space = space
        self.rng = np.random.default_rng(seed)
        self.is_known: Callable[[Arch], bool] = lambda arch: False

    def bind_history(self, is_known: Callable[[Arch], bool]) -> None:
        """Let the strategy ask whether an architecture was already proposed (evaluated or running).

        The search loop binds its own record, which it rebuilds from the store on resume, so a
        strategy that avoids repeats needs no copy of the history in its saved state.
        """
        self.is_known = is_known

    def _constructed(self) -> None:
        check_base_init(self, "strategy", STRATEGIES.label(self), "rng", "super().__init__(space, seed)")
        missing = missing_capabilities(self.space, self.requires)
        if missing:
            raise UnsupportedError(f"strategy {STRATEGIES.label(self)} needs a search space that "
                                   f"{' and '.join(missing)}; '{self.space.name}' does not")

    @abstractmethod
    def ask(self, n: int) -> list[Arch]:
        """Propose ``n`` architectures to evaluate next (duplicates are answered from the store)."""

    @abstractmethod
    def tell(self, observations: list[Observation]) -> None:
        """Learn from results of earlier asks, in the order they completed."""

    def dropped(self, archs: list[Arch]) -> None:
        """Learn that ``archs``, proposed by the last ask, will never be evaluated nor told: a resumed run whose
        strategy went another way than the run it replays drops its proposals past the budget (engine/replays.py).
        A strategy that keeps what it asked until it is told (pending picks, a neighbour or restart point it waits
        for) forgets them here; else it waited for them on every later resume (local search drew at random for
        ever, never climbing). One that counts what it asked (a random start, an initial design) uncounts them, else
        its start came one short. ``archs`` are the last ask's tail, from the first dropped on. Nothing by default:
        a strategy that keeps nothing in flight has nothing to forget."""

    def diagnostics(self) -> dict[str, float]:
        """Numbers worth watching while the search runs (logged to TensorBoard); none by default."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly, JSON-compatible; subclasses extend it. JSON gives a tuple back
        as a list and an int dict key as a string, so the store refuses a state holding either (lists and string
        keys, rebuilt in ``load_state_dict``, come back as saved).

        nasloop's own build new containers, not the strategy's live lists or dicts: the store encodes
        the state of a group of table lookups when the group commits, after later asks and tells
        (``engine/store_writes.py``). A user's may return live ones: the store then reads it only where it is
        the state after the group's last lookup; where it is not (an error), the group is kept without it, and the
        strategy resumed from the state before the group proposes its lookups again, answered from the store.
        """
        return {"rng": self.rng.bit_generator.state}

    @_checked_load  # as every subclass's own is (__init_subclass__)
    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.rng.bit_generator.state = state["rng"]

    # Helpers for JSON-compatible state.
    def _dump(self, arch: Arch) -> str:
        return self.space.format(arch)

    def _load(self, text: str) -> Arch:
        return parsed(self.space, text)  # once for the strategy and its predictor, while a guided one loads
