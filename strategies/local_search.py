"""Local search (hill climbing over the space's neighbourhood), as studied by White et al. (2021).

Start from a random architecture (or the best of ``start_best_of`` random ones); evaluate its
neighbours in random order and move to a better one, either the first found (``first``) or the best
of the whole neighbourhood (``best``). At a local optimum, restart the same way. Neighbours already
evaluated are answered from the store at no cost, so revisits are free.

Against the paper: its Algorithm 1 starts from one random architecture and takes the best of the
whole neighbourhood (``improvement=best``); its code (naszilla's ``local_search``) stops at the first
improvement by default (``query_full_nbhd=False``), as ``first`` does, but starts each climb from
the best of 10 random architectures (``num_init=10``: ``start_best_of=10`` here), and skips
neighbours it already queried where this compares them at no cost. Both restart at a local optimum
(README, "Strategies against their papers", which measures the two starts).
"""
from __future__ import annotations

from typing import Any, Literal

from ..engine.options import Seed
from ..engine.registry import register_strategy
from ..engine.space_checks import checked_moves
from ..engine.types import Arch, Observation
from ..search_spaces.base import NeighbourhoodSpace, SearchSpace
from .base import Strategy
from .counts import StartDraws
from .saved_state import saved_count, saved_score


@register_strategy("local")
class LocalSearch(Strategy):
    """Hill climbing with first- or best-improvement moves and random restarts; ``start_best_of`` random draws
    start each climb from the best of them (1: from one, as the paper's Algorithm 1; 10: as its code).

    With an asynchronous executor, slots that open while the rest of a neighbourhood is still
    running are filled with random draws rather than left idle.
    """

    requires = (NeighbourhoodSpace,)

    def __init__(self, space: SearchSpace, seed: Seed = 0, improvement: Literal["first", "best"] = "first",
                 start_best_of: StartDraws = 1) -> None:
        super().__init__(space, seed)
        self.improvement, self.start_best_of = improvement, start_best_of
        self.current: tuple[Arch, float] | None = None  # the point we climb from
        self.starts: list[str] = []  # random start draws of this restart asked, not yet told
        self.start_drawn = 0  # start draws of this restart asked (told or not)
        self.best_start: tuple[Arch, float] | None = None  # the best start draw of this restart told so far
        self.candidate: tuple[Arch, float] | None = None  # best improving neighbour (best-improvement)
        self.queue: list[str] = []  # neighbours of `current` not yet asked, as text
        self.outstanding: list[str] = []  # neighbours asked, not yet told

    def ask(self, n: int) -> list[Arch]:
        return [self._next() for _ in range(n)]

    def _next(self) -> Arch:
        while True:
            if self.current is None:
                arch = self.space.sample(self.rng)
                if self.start_drawn < self.start_best_of:
                    self.starts.append(self._dump(arch))
                    self.start_drawn += 1
                return arch  # past the draws, while they run: explore meanwhile
            if self.queue:
                text = self.queue.pop()
                self.outstanding.append(text)
                return self._load(text)
            if self.outstanding:  # neighbourhood still running: explore meanwhile
                return self.space.sample(self.rng)
            # Neighbourhood done: take the best improvement (best-improvement mode) or restart.
            if self.candidate is not None:
                self._move_to(*self.candidate)
            else:
                self.current = None

    def tell(self, observations: list[Observation]) -> None:
        for obs in observations:
            text = self._dump(obs.arch)
            if text in self.starts:
                self.starts.remove(text)
                if not obs.failed and (self.best_start is None or obs.score > self.best_start[1]):
                    self.best_start = (obs.arch, obs.score)
                if not self.starts and self.start_drawn == self.start_best_of:
                    self._climb_from_best_start()
            elif text in self.outstanding:
                self.outstanding.remove(text)
                if obs.failed or obs.score <= self.current[1]:
                    continue
                if self.improvement == "first":
                    self._move_to(obs.arch, obs.score)
                elif self.candidate is None or obs.score > self.candidate[1]:
                    self.candidate = (obs.arch, obs.score)
            # anything else was an exploration draw: the store keeps it, the climb ignores it

    def _climb_from_best_start(self) -> None:
        """Every start draw told: climb from the best one, or draw again where each failed."""
        best, self.best_start, self.start_drawn = self.best_start, None, 0
        if best is not None:
            self._move_to(*best)

    def dropped(self, archs: list[Arch]) -> None:
        """A dropped start draw is drawn afresh; a dropped neighbour goes back on the queue, asked next."""
        for text in reversed([self._dump(arch) for arch in archs]):  # the queue is popped from its end
            if text in self.starts:
                self.starts.remove(text)
                self.start_drawn -= 1
            elif text in self.outstanding:
                self.outstanding.remove(text)
                self.queue.append(text)

    def _move_to(self, arch: Arch, score: float) -> None:
        self.current, self.candidate, self.outstanding = (arch, score), None, []
        neighbours = list(self.space.neighbours(arch))  # a plugin space may yield them
        # checked before they are kept as text: one parse refused on popping it stays in the state a resume loads
        neighbours = checked_moves(self.space, "neighbours", neighbours)
        # Kept as text: the state is saved after every ask and tell, the queue popped once per entry.
        self.queue = [self._dump(neighbours[i]) for i in self.rng.permutation(len(neighbours))]

    def state_dict(self) -> dict[str, Any]:
        pair = lambda p: None if p is None else [self._dump(p[0]), p[1]]  # noqa: E731
        return {**super().state_dict(), "current": pair(self.current), "candidate": pair(self.candidate),
                "starts": list(self.starts), "start_drawn": self.start_drawn, "best_start": pair(self.best_start),
                "queue": list(self.queue),
                "outstanding": list(self.outstanding)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        # Every text is parsed now, not when popped: an edited store is refused on resume, not mid-run.
        self.current, self.candidate = self._loaded_pair(state["current"]), self._loaded_pair(state["candidate"])
        if "starts" in state:
            self.starts = [self._dump(self._load(text)) for text in state["starts"]]
            self.start_drawn, self.best_start = saved_count(state["start_drawn"], "start_drawn"), \
                self._loaded_pair(state["best_start"])
        else:  # saved before start_best_of: its one restart point, asked, not yet told, or none
            self.starts = [] if state["start"] is None else [self._dump(self._load(state["start"]))]
            self.start_drawn, self.best_start = len(self.starts), None
        self.queue = [self._dump(self._load(text)) for text in state["queue"]]
        self.outstanding = [self._dump(self._load(text)) for text in state["outstanding"]]
        if self.candidate is not None and self.current is None:
            raise ValueError("a candidate move is saved without the point it improves on")
        if not len(self.starts) <= self.start_drawn <= self.start_best_of:
            raise ValueError(f"start_drawn is {self.start_drawn}, not between the {len(self.starts)} start draws "
                             f"it saved as running and start_best_of ({self.start_best_of})")

    def _loaded_pair(self, pair: Any) -> tuple[Arch, float] | None:
        if pair is None:
            return None
        text, score = pair
        return self._load(text), saved_score(score, f"the score saved with {text!r:.60}")
