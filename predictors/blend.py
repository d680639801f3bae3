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

import re
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.config import construct
from ..engine.context import RunContext
from ..engine.errors import ConfigError, DataError, NasloopError, one_line
from ..engine.options import effective_options, Seed
from ..engine.registry import PREDICTORS, register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor
from .uninformed import target_scale

DEFAULT_MEMBERS: dict[str, dict[str, Any]] = {"flan": {}, "forest": {}}
FLAT = 1e-4
"""A member whose predictions of its training cells spread less than this share of the targets' spread (of their
mean's size, else 1, where the targets are all equal) ranks them by nothing: a fitted predictor spreads them about as
widely as the targets, zero-cost's tie-break (1e-6 of them) is meant to read as no difference."""


def member_predictor(key: str) -> str:
    """The predictor a members key names: ``forest#proxies`` is a forest labelled 'proxies'."""
    return str(key).partition("#")[0]


def _members_mapping(members: Mapping[str, Any] | Sequence[str]) -> Mapping[str, Any]:
    """``members`` (its type already checked) as a mapping of member keys to options, or one line naming what is
    wrong with it."""
    if isinstance(members, (list, tuple)):
        twice = next((name for name in members if list(members).count(name) > 1), None)
        if twice is not None:
            raise ConfigError(f"blend option members lists '{twice}' twice; label a second one to hold two, "
                              f"e.g. {twice}#other")
        members = {name: {} for name in members}
    for name in members:
        predictor, mark, label = str(name).partition("#")
        if not predictor or mark and not label:  # '#x' would be refused as "unknown predictor ''", naming no key
            raise ConfigError(f"blend option members key '{name}' is not a predictor's name or name#label; write e.g. "
                              "forest or forest#proxies")
        PREDICTORS.get(predictor)  # a misspelt member is named before anything else
    if "blend" in map(member_predictor, members):
        raise ConfigError("a blend cannot be a member of a blend; list its members in this one instead")
    return members


def as_member_error(name: str, exc: NasloopError, advice: str = "") -> NasloopError:
    """A member's refusal naming the member, its ``--predictor-opt KEY=VALUE`` advice rewritten into the members
    option: given as written, it would be refused ("predictor 'blend' has no option 'proxy'"), since a blend hands its
    members only the options inside members."""
    value = r"([^\s'),;]*[^\s'),;:])"  # up to a space, quote or punctuation: 'add space_id=true: ...' ends at 'true'
    text = re.sub(rf"drop --predictor-opt '?(\w+)={value}'?",
                  rf"drop \1: \2 from {name}'s options in --predictor-opt members", str(exc))
    text = re.sub(rf"--predictor-opt '?(\w+)=(\[[^]]*\]|{value})'?",
                  rf"--predictor-opt 'members={{{name}: {{\1: \2}}, ...}}'", text)
    return type(exc)(f"blend member '{name}': {text}{advice}")


def _member_predict(name: str, member: Predictor, archs: list[Arch]) -> tuple[np.ndarray, np.ndarray]:
    """``member``'s prediction; its refusal (a forest's ``missing: error`` meeting an architecture whose proxy is
    undefined) named as the member's, its advice in the members option, as a refusal while it fits is."""
    try:
        return member.predict(archs)
    except NasloopError as exc:
        raise as_member_error(name, exc) from None


def _check_held(state: dict[str, Any], count: int) -> None:
    """One line for a state whose members' states or scales are not one per member (``count``; no scales before the
    first fit), each scale a finite centre and a spread above 0: zip read a short list as far as it went, so a
    member left unloaded predicted as an unfitted one (a blend of gp and random predicted -78 where it had predicted
    77), and short scales failed in numpy's words."""
    members, scales = state["members"], state["scales"]
    sizes = [len(part) if isinstance(part, (list, tuple)) else None for part in (members, scales)]
    if sizes == [count, 0]:  # saved before its first fit: no scales yet
        return
    if sizes != [count, count]:
        got = " and ".join(f"{size if size is not None else 'no list of'} {what}"
                           for what, size in zip(("member states", "scales"), sizes))
        raise DataError(f"predictor blend: load_state_dict got {got} for its {count} members; pass what "
                        "state_dict() returned, unchanged")
    try:
        pairs = np.array(scales, dtype=np.float64)
    except (TypeError, ValueError):
        pairs = np.zeros((0, 2))
    if pairs.shape != (count, 2) or not (np.isfinite(pairs).all() and (pairs[:, 1] > 0).all()):
        raise DataError(f"predictor blend: load_state_dict got scales {one_line(repr(scales), 80)}, not a finite "
                        "centre and a spread above 0 for each member; pass what state_dict() returned, unchanged")


def _check_count(members: Mapping[str, Any]) -> None:
    """At least two members; checked once each member's own options have been (a bad one is named first)."""
    if len(members) < 2:
        raise ConfigError(f"blend option members names at least two predictors, e.g. members={{flan: {{}}, forest: "
                          f"{{features: [proxies]}}}}; got {dict(members)!r}")


@register_predictor("blend")
class BlendPredictor(Predictor):
    """Averages members' standardised predictions; ``members`` maps predictor names to their options.

    ``members`` defaults to FLAN and the forest with their own defaults; a key is a predictor's
    name, or ``name#label`` to hold two of one predictor with different options (``forest`` and
    ``forest#proxies``). ``weights`` (one per member, default equal) weigh their scores.
    """

    holds_predictors = True
    state_free_options = ("seed", "weights")  # members shape the states saved; each member checks its own too

    @classmethod
    def compared_option(cls, name: str, value: Any) -> Any:
        """``members`` as the member keys in order, however written (left out: the default members; a list of names;
        a mapping, a member's options given as {} or null): each member's state records and checks its own options
        as it loads, so the blend's default refused the state of the same members written out."""
        if name != "members" or not isinstance(value, (Mapping, list, tuple, type(None))):
            return value
        return [str(key) for key in (DEFAULT_MEMBERS if value is None else value)]

    @classmethod
    def held_predictor(cls, key: str) -> str:
        """``forest#proxies`` is a forest: a resumed run checks what that member recorded against a forest's options."""
        return member_predictor(key)

    @classmethod
    def reads_dataset_with(cls, space: type[SearchSpace], options: Mapping[str, Any]) -> bool:
        """Whether a member reads it, with its options; members that are refused may (building the blend names
        the problem)."""
        try:
            chosen = DEFAULT_MEMBERS if options.get("members") is None else _members_mapping(options["members"])
        except NasloopError:
            return True
        for name, given in chosen.items():
            factory = PREDICTORS.get(member_predictor(name))
            if given is not None and not isinstance(given, Mapping):
                return True
            if factory.reads_dataset_with(space, effective_options(factory, dict(given or {}))):
                return True
        return False

    def __init__(self, space: SearchSpace, seed: Seed = 0, context: RunContext | None = None,
                 members: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
                 weights: Sequence[float] | None = None) -> None:
        super().__init__(space, seed)
        chosen = DEFAULT_MEMBERS if members is None else _members_mapping(members)
        self._members = [self._member(name, options, space, context or RunContext(), seed, members is None)
                         for name, options in chosen.items()]
        # written out as built, keys in the order of held: a run records the default members and what each resolved
        # (see engine/resolved_options), and the state's check compares them by their keys (compared_option)
        self.members: dict[str, dict[str, Any]] = {name: dict(options or {}) for name, options in chosen.items()}
        self.weights = weights
        self._names, self.held = list(chosen), tuple(self._members)
        _check_count(chosen)
        w = np.ones(len(self._members)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != (len(self._members),) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ConfigError(f"blend option weights needs one non-negative number per member "
                              f"({len(self._members)}), not all zero; got {weights!r}")
        self._w = w / w.sum()
        self.builds_networks = any(m.builds_networks for m in self._members)
        self.computed_proxies = tuple(dict.fromkeys(p for m in self._members for p in m.computed_proxies))
        # a member's pretrained file has seen its spaces' labels as much as the blend's own would have
        self.pretrained_on = tuple(dict.fromkeys(space for m in self._members for space in m.pretrained_on))
        self._scales: list[tuple[float, float]] = []  # per member: mean and spread of its training predictions

    @staticmethod
    def _member(name: str, options: Mapping[str, Any] | None, space: SearchSpace, context: RunContext,
                seed: int, default: bool) -> Predictor:
        """One member; its refusal names it, since the user may not have asked for it (the default members)."""
        if options is not None and not isinstance(options, Mapping):
            raise ConfigError(f"blend member '{name}': its options must be a mapping (e.g. members={{{name}: "
                              f"{{}}, ...}}), got {options!r}")
        try:
            return construct("predictor", name, PREDICTORS.get(member_predictor(name)), space,
                             wiring={"context": context, "seed": seed}, **dict(options or {}))
        except NasloopError as exc:
            advice = (f"; blend's default members are {' and '.join(DEFAULT_MEMBERS)}: name others, e.g. "
                      "members={forest: {}, gp: {}}" if default else "")
            raise as_member_error(name, exc, advice) from None

    @property
    def epistemic_std(self) -> bool:  # type: ignore[override]
        return all(m.epistemic_std for m in self._members)

    def prepare(self) -> None:
        for member in self._members:
            member.prepare()

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        for name, member in zip(self._names, self._members):
            try:
                member.fit(archs, y)
            except NasloopError as exc:  # FLAN's divergence advised "--predictor-opt lr=...", refused for a blend
                raise as_member_error(name, exc) from None
        self._standardise(archs)

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        for name, member in zip(self._names, self._members):
            try:
                member.update(new_archs, new_y)
            except NasloopError as exc:
                raise as_member_error(name, exc) from None
        self._standardise(self._archs)

    def _standardise(self, archs: list[Arch]) -> None:
        """Each member's centre and scale: the mean and spread of its predictions of the training cells. A spread
        below :data:`FLAT` of the targets' tells those cells apart by rounding alone (a GP fitted on one cell given
        three times predicted it 1e-14 apart, and the blend's stds reached 3e15): that member is scaled by the
        targets' spread instead, in whose units it predicts."""
        self._scales = []
        spread = float(self._y.std())
        for name, member in zip(self._names, self._members):
            mean = _member_predict(name, member, archs)[0]
            flat = not float(mean.std()) > FLAT * target_scale(self._y)
            self._scales.append((float(mean.mean()), (spread or 1.0) if flat else float(mean.std())))

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        if not self._scales:
            raise ConfigError("blend: predict called before fit; fit it on evaluated architectures first")
        archs = list(archs)
        z, spread = [], []
        for name, member, (centre, scale) in zip(self._names, self._members, self._scales):
            mean, std = _member_predict(name, member, archs)
            z.append((mean - centre) / scale)
            spread.append(std / scale)
        z, spread = np.stack(z), np.stack(spread)
        score = self._w @ z
        disagreement = np.sqrt(self._w @ (z - score) ** 2)
        y_scale = float(self._y.std()) or 1.0
        return float(self._y.mean()) + y_scale * score, y_scale * (disagreement + self._w @ spread)

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "members": [m.state_dict() for m in self._members],
                "scales": [list(s) for s in self._scales]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._require(state, "archs", "y", "members", "scales")
        _check_held(state, len(self._members))
        self._restore_data(state)
        for name, member, saved in zip(self._names, self._members, state["members"]):
            try:
                member.load_state_dict(saved)
            except NasloopError as exc:  # a member's state of other options is refused as the member's
                raise as_member_error(name, exc, " (its options in the blend's members option)") from None
        self._scales = [tuple(s) for s in state["scales"]]
