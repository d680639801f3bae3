"""A blend of predictors: several models fitted on the same data, their standardised predictions averaged.

Predictors that read different things err differently: FLAN reads the graph, the forest reads
zero-cost proxies and graph statistics. Averaging their standardised predictions ranks better
than either alone (NB201, 5 seeds, ``benchmarks/feature_predictors.py``: FLAN with proxies and
graph features 0.838 / 0.878 at 128 / 512 cells, the forest 0.824 / 0.865, their blend 0.843 /
0.881; README). Each member's mean is
put on a common scale with the mean and spread of its own predictions on the training cells, the
weighted average of those scores is mapped back onto the targets' scale, and the spread is the
members' disagreement on that common scale plus their own average uncertainty.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.config import construct
from ..engine.context import RunContext
from ..engine.errors import ConfigError, NasloopError
from ..engine.registry import PREDICTORS, register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor

DEFAULT_MEMBERS: dict[str, dict[str, Any]] = {"flan": {}, "forest": {}}


def member_predictor(key: str) -> str:
    """The predictor a members key names: ``forest#proxies`` is a forest labelled 'proxies'."""
    return str(key).partition("#")[0]


@register_predictor("blend")
class BlendPredictor(Predictor):
    """Averages members' standardised predictions; ``members`` maps predictor names to their options.

    ``members`` defaults to FLAN and the forest with their own defaults; a key is a predictor's
    name, or ``name#label`` to hold two of one predictor with different options (``forest`` and
    ``forest#proxies``). ``weights`` (one per member, default equal) weigh their scores.
    """

    def __init__(self, space: SearchSpace, seed: int = 0, context: RunContext | None = None,
                 members: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
                 weights: Sequence[float] | None = None) -> None:
        super().__init__(space, seed)
        chosen = DEFAULT_MEMBERS if members is None else (
            {name: {} for name in members} if isinstance(members, (list, tuple)) else members)
        for name in chosen if isinstance(chosen, Mapping) else ():
            PREDICTORS.get(member_predictor(str(name)))  # a misspelt member is named before it is counted
        if not isinstance(chosen, Mapping) or len(chosen) < 2 or "blend" in map(member_predictor, chosen):
            raise ConfigError("blend option members names at least two other predictors, e.g. "
                              f"members: {{flan: {{}}, forest: {{features: [proxies]}}}}; got {members!r}")
        self.members, self.weights = members, weights
        self._members = [self._member(name, options, space, context or RunContext(), seed)
                         for name, options in chosen.items()]
        w = np.ones(len(self._members)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != (len(self._members),) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ConfigError(f"blend option weights needs one non-negative number per member "
                              f"({len(self._members)}), not all zero; got {weights!r}")
        self._w = w / w.sum()
        self.builds_networks = any(m.builds_networks for m in self._members)
        self._scales: list[tuple[float, float]] = []  # per member: mean and spread of its training predictions

    @staticmethod
    def _member(name: str, options: Mapping[str, Any] | None, space: SearchSpace, context: RunContext,
                seed: int) -> Predictor:
        """One member; its refusal names it, since the user may not have asked for it (the default members)."""
        try:
            return construct("predictor", name, PREDICTORS.get(member_predictor(name)), space,
                             wiring={"context": context, "seed": seed}, **dict(options or {}))
        except NasloopError as exc:
            raise type(exc)(f"blend member '{name}': {exc}") from None

    @property
    def epistemic_std(self) -> bool:  # type: ignore[override]
        return all(m.epistemic_std for m in self._members)

    def prepare(self) -> None:
        for member in self._members:
            member.prepare()

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        for member in self._members:
            member.fit(archs, y)
        self._standardise(archs)

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        for member in self._members:
            member.update(new_archs, new_y)
        self._standardise(self._archs)

    def _standardise(self, archs: list[Arch]) -> None:
        self._scales = []
        for member in self._members:
            mean = member.predict(archs)[0]
            self._scales.append((float(mean.mean()), float(mean.std()) or 1.0))

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        if not self._scales:
            raise ConfigError("blend: predict called before fit; fit it on evaluated architectures first")
        archs = list(archs)
        z, spread = [], []
        for member, (centre, scale) in zip(self._members, self._scales):
            mean, std = member.predict(archs)
            z.append((mean - centre) / scale)
            spread.append(std / scale)
        z, spread = np.stack(z), np.stack(spread)
        score = self._w @ z
        disagreement = np.sqrt(self._w @ (z - score) ** 2)
        y_scale = float(self._y.std()) or 1.0
        return float(self._y.mean()) + y_scale * score, y_scale * (disagreement + self._w @ spread)

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "members": [m.state_dict() for m in self._members], "scales": self._scales}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._restore_data(state)
        for member, saved in zip(self._members, state["members"]):
            member.load_state_dict(saved)
        self._scales = [tuple(s) for s in state["scales"]]
