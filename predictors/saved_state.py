"""What a predictor's ``state_dict`` holds beside its data, and the check ``load_state_dict`` makes of it first.

A state records what made it (``built_with``): the predictor's registered name, its space's name and its options
(``config()`` and the seed). Loaded into a predictor built otherwise, it is refused in one line naming the options
that differ and the fix, where it failed in numpy's or torch's words (a GP state of NB201's ``path`` encoding in a
``onehot`` GP: "operands could not be broadcast"; FLAN's ``hidden=48`` weights in a ``hidden=16`` FLAN) or loaded
unseen (a width-64 MLP's weights in a predictor whose ``config()`` says 32, a GP's state in an MLP). Options a class
lists in ``state_free_options`` steer its later fits only, and need not match; one a class compares in a form of its
own (``compared_option``: a blend's members by their keys, however written) matches in that form. A state saved
before the record existed loads as it did: guided strategies keep their predictor's state in the run store, and a
stored run must resume.
Options recorded on one side only (one added to the predictor since) are not compared, for the same reason.
"""
from __future__ import annotations

import base64
import functools
import io
import os
import types
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from ..engine.errors import ConfigError, DataError, one_line
from ..engine.held_imports import imported
from ..engine.registry import PREDICTORS

if TYPE_CHECKING:
    from .base import Predictor

RECORD = "built_with"
"""The key of a state's record of what made it."""


def record(predictor: Predictor) -> dict[str, Any]:
    """What made ``predictor``'s state: its registered name, its space's name, its options and seed, as JSON keeps
    them (a run store holds the state)."""
    return {"predictor": PREDICTORS.label(predictor), "space": predictor.space.name,
            "options": _plain({**predictor.config(), "seed": predictor.seed})}


def _plain(value: Any) -> Any:
    """``value`` as JSON gives it back (tuples as lists, paths as text); a callable (FLAN's supplementary features,
    a zero-cost predictor's scorer) as its qualified name, which is what can be compared across processes."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    named = value if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)) else type(value)
    return f"{named.__module__}.{named.__qualname__}"


def check_record(predictor: Predictor, state: Any) -> None:
    """Refuse, in one line, a state that ``predictor`` cannot hold as its own: saved by another predictor, on another
    space, or with other options that shape it (a ConfigError naming them and the fix), or with a damaged record (a
    DataError). A state without a record (saved before it existed, or no dict) is left to the loader's own checks."""
    if not isinstance(state, dict) or RECORD not in state:
        return
    name, saved = PREDICTORS.label(predictor), state[RECORD]
    intact = isinstance(saved, dict) and isinstance(saved.get("predictor"), str) and \
        isinstance(saved.get("space"), str) and isinstance(saved.get("options"), dict)
    if not intact:
        raise DataError(f"predictor {name}: load_state_dict got a state whose '{RECORD}' record is damaged "
                        f"({one_line(repr(saved), 80)}); pass what state_dict() returned, unchanged")
    own, options = record(predictor), saved["options"]
    if saved["predictor"] != own["predictor"] and saved["predictor"] not in PREDICTORS.names_of(predictor):
        raise ConfigError(f"predictor {name}: load_state_dict got the state of predictor '{saved['predictor']}' "
                          f"(saved with {_listed(options, list(options))}); load it into a {saved['predictor']} "
                          "predictor built with those options")
    if saved["space"] != own["space"]:
        raise ConfigError(f"predictor {name}: load_state_dict got a state saved on search space '{saved['space']}', "
                          f"and this one is built on '{own['space']}'; load it into a {name} predictor built on search "
                          f"space '{saved['space']}', with the same options")
    free, compared = set(type(predictor).state_free_options), type(predictor).compared_option
    differ = [key for key, value in own["options"].items()
              if key in options and key not in free and compared(key, options[key]) != compared(key, value)]
    if differ:
        raise ConfigError(f"predictor {name}: load_state_dict got a state saved with {_listed(options, differ)} "
                          f"(here {_listed(own['options'], differ)}), which shape what it holds; build the predictor "
                          f"with the state's: {type(predictor).__name__}(space, {_listed(options, differ)})")


def _listed(options: Mapping[str, Any], keys: list[str]) -> str:
    """``key=value, ...`` for ``keys``, each value cut short (a blend's members may be long)."""
    return ", ".join(f"{key}={one_line(repr(options[key]), 80)}" for key in keys) or "no options"


def checked_load(load: Callable[..., None]) -> Callable[..., None]:
    """``load`` (a predictor class's ``load_state_dict``) that first checks the state's record: every class's own is
    wrapped (see :meth:`.base.Predictor.__init_subclass__`), a user's too, so the check needs no call to super()."""
    @functools.wraps(load)
    def checked(self: Predictor, state: Any, *args: Any, **kwargs: Any) -> None:
        check_record(self, state)
        return load(self, state, *args, **kwargs)
    return checked


def pack_torch(obj: Any) -> str:
    """Serialise tensors (a state dict, an RNG state) to text for a JSON state dict."""
    torch = imported("torch")

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def unpack_torch(text: str) -> Any:
    """Inverse of :func:`pack_torch`."""
    torch = imported("torch")

    return torch.load(io.BytesIO(base64.b64decode(text)), weights_only=True)


class FormattedRows:
    """A predictor's training architectures as the space writes them, each formatted once while the data only grows
    (``update`` extends the list in place; ``fit`` and a load make a new one): every refit's ``state_dict`` formatted
    them all, 17 of 216 s of a profiled 2,000-lookup NB101 bananas run."""

    def __init__(self) -> None:
        self._of: list[Any] | None = None  # the list formatted, kept to tell a new one
        self._texts: list[str] = []

    def of(self, archs: list[Any], write: Callable[[Any], str]) -> list[str]:
        """``archs`` written by ``write`` (the space's ``format``), the rows not formatted before formatted now."""
        if self._of is not archs or len(self._texts) > len(archs):
            self._of, self._texts = archs, []
        self._texts += [write(a) for a in archs[len(self._texts):]]
        return self._texts
