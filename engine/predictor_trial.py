"""A user's predictor, tried before anything relies on it, and what a resumed run gets back of it.

A search's guided strategy, ``predictors evaluate`` (and ``compare --predictors``) and the lists of what works on a
space all build predictors through :func:`tried_predictor`: a bug in a user's one stops the command before its first
evaluation or fit, and a listing never suggests one that the run would then refuse. nasloop's own predictors are
tested, and skip the trial, unless they hold a user's (a blend's member).
"""
from __future__ import annotations

import traceback
from typing import Any, Callable

import numpy as np

from ..predictors.base import Predictor
from ..search_spaces.base import SearchSpace
from .errors import ConfigError, NasloopError, describe_exception
from .registry import PREDICTORS, defined_by_nasloop
from .state_json import snapshot

SEARCH_STOPS = "the run would stop at its first fit, after the strategy's random start"
"""Why a search refuses a predictor that fails when tried: the run would stop later, hours of training in."""


def tried_predictor(name: str, build: Callable[[], Predictor], space: SearchSpace, used: bool, seed: int,
                    count: int = 8, stops: str = SEARCH_STOPS, saves: bool = True) -> Predictor:
    """A new predictor from ``build``. A user's one, when the run will use it (``used``), is tried first on a copy:
    fitted on ``count`` sampled architectures (as many as the strategy's random start gives its first real fit)
    with made-up scores, updated and asked to predict, and where the run ``saves`` it (a search's store), its state
    saved as the store keeps it and loaded into a new copy, so that a bug in it stops the run before its first
    evaluation, not at its first fit after the strategy's random start (hours of training in), nor at the first
    save of its state (a numpy array in it failed a run after 8 evaluations), nor on resume. ``stops`` says why
    a failure is refused now."""
    predictor = build()
    space.check_encodings()  # a plugin space's broken encoding, before its evaluations, not at the first fit
    if not used or not _holds_users_code(predictor):
        return predictor
    rng = np.random.default_rng(seed)
    archs = list({space.format(arch): arch for arch in (space.sample(rng) for _ in range(4 * count))}.values())
    archs = archs[:count]
    if len(archs) < 3:
        return predictor
    scores = np.linspace(50.0, 90.0, len(archs))[rng.permutation(len(archs))].tolist()
    trial = build()
    # not chained: a strategy reads no predictor's fit or update return value, so a user's may return None
    _tried(name, trial, len(archs), stops, lambda: trial.fit(archs[:-1], scores[:-1]))
    _tried(name, trial, len(archs), stops, lambda: trial.update(archs[-1:], scores[-1:]))
    _tried(name, trial, len(archs), stops, lambda: trial.predict(archs))
    if not saves:
        return predictor
    saved = _tried(name, trial, len(archs), "the run would stop at its first save of the predictor", trial.state_dict)
    state = snapshot(saved, f"predictor '{name}', tried before the run: its state_dict")
    fresh = build()
    _tried(name, fresh, len(archs), "a resumed run would stop there", lambda: fresh.load_state_dict(state),
           ", loading what its state_dict returned into a new copy")
    return predictor


def _holds_users_code(predictor: Predictor) -> bool:
    """Whether ``predictor`` is a user's, or holds one (a blend's member): a blend, nasloop's, skipped the trial, and
    its user's member predicting misshapen means failed the run after the strategy's random start (8 evaluations),
    where the same predictor alone was refused before the first."""
    return not defined_by_nasloop(type(predictor)) or any(map(_holds_users_code, predictor.held))


def _tried(name: str, predictor: Predictor, count: int, stops: str, step: Callable[[], Any], doing: str = "") -> Any:
    """What ``step`` of the trial of ``predictor`` returns, or one line naming the predictor at fault (see
    :func:`_failed_in`), what failed and where, and why it is refused now (``stops``)."""
    try:
        return step()
    except NasloopError:  # already one line naming the predictor (a NaN or misshapen prediction)
        raise
    except (Exception, SystemExit) as exc:  # the user's code may fail in any way, exit() too (not Ctrl-C)
        failed = _failed_in(predictor, exc)
        named = f"'{name}'" if failed is predictor else f"'{PREDICTORS.label(failed)}' (a member of '{name}')"
        raise ConfigError(f"predictor {named} fails when tried, before the run, on {count} sampled architectures "
                          f"with made-up scores{doing}: {describe_exception(exc)}; fix it ({stops})") from None


def _failed_in(predictor: Predictor, exc: BaseException) -> Predictor:
    """The predictor whose method raised ``exc``: the innermost frame of a method of ``predictor`` or of one it holds
    (a blend's member), by the object the frame's method runs on. A blend's user member that raised was named as the
    blend ("predictor 'blend' fails when tried"), which the user had not written, and whose members are nasloop's
    by default."""
    held = {id(p): p for p in _all_held(predictor)}
    frames = [frame.f_locals.get("self") for frame, _ in traceback.walk_tb(exc.__traceback__)]
    return next((held[id(own)] for own in reversed(frames) if id(own) in held), predictor)


def _all_held(predictor: Predictor) -> list[Predictor]:
    """``predictor`` and every predictor it holds, at any depth."""
    return [predictor, *(inner for member in predictor.held for inner in _all_held(member))]


def note_unsaved_predictor_state(name: str, predictor: Predictor, on_note: Callable[[str], None] | None) -> None:
    """A user's predictor that keeps the base class's ``state_dict`` or ``load_state_dict`` is saved as the results
    it has seen, and refitted on them on resume: anything else it keeps (its own random generator, what its updates
    warm-started) is lost, and a resumed run went on differently from an uninterrupted one (a ridge drawing noise
    from its own generator, from the 15th evaluation on), and nothing said so. Not refused: an exact fit (a ridge, a
    GP) needs neither, and the README calls them optional. Said as a run that ranks with it starts, and on each
    resume, as a strategy's is (:func:`.run_checks.note_unsaved_state`). A blend's member is named as a member: a
    blend saves each member's own state, which is the base class's for such a one."""
    if on_note is None:
        return
    for held in (predictor, *predictor.held):
        cls = type(held)
        missing = [m for m in ("state_dict", "load_state_dict") if getattr(cls, m) is getattr(Predictor, m)]
        if missing and not defined_by_nasloop(cls):
            named = f"'{name}'" if held is predictor else f"'{PREDICTORS.label(held)}' (a member of '{name}')"
            on_note(f"predictor {named} does not override {' and '.join(missing)}, so a resumed run gets it back from "
                    "the results it had seen alone, and goes on without anything else it kept (its own random "
                    "generator, what its updates warm-started); if it keeps anything, override state_dict and "
                    "load_state_dict (README: Adding a search space)")
