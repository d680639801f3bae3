"""The predictors that read a space, for the lists of what works on it (``nasloop spaces NAME``, a refusal's), and
how a listing builds a plugin: anything that fails to build does not work there, and ends no listing."""
from __future__ import annotations

from typing import Any, Callable, Collection

from ..predictors.base import Predictor
from ..search_spaces.base import SearchSpace
from .config import construct
from .context import RunContext
from .errors import MissingDataError, NasloopError
from .predictor_trial import tried_predictor
from .registry import PREDICTORS, defined_by_nasloop

NEEDS_DATA = " (with the benchmark's data, which was not found)"
"""Said of a plugin whose build read a data file that is missing: it works once the file is found."""


def built_or_none(build: Callable[[], Any], passed: type[Exception] | None = None) -> Any:
    """What ``build`` returns, or None when it raises: a plugin that refuses the space (a NasloopError), or a
    user's plugin whose constructor crashes on it, does not work there, and must not end the listing of the rest.
    An error of type ``passed`` reaches the caller (a missing data file, which says nothing of the plugin); so does
    Ctrl-C, and nothing else: a user's predictor calling sys.exit in its trial's fit ended ``nasloop spaces``."""
    try:
        return build()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - any failure to build means "does not work on this space"
        if passed is not None and isinstance(exc, passed):
            raise
        return None


class Readers:
    """The predictors that read a space, each built once with its default options when first asked for, a user's
    tried as a search tries it (one it refuses was suggested): none when the space's encodings break their
    contract, which every run with a predictor checks first (a search's guided strategy, ``predictors evaluate``).
    A user's predictor is tried once a listing, whose readers share ``tried`` (name: whether it passed), and
    without its state, which a listing never saves: each listing fitted every user predictor 6 times."""

    def __init__(self, space: SearchSpace, context: RunContext, tried: dict[str, bool] | None = None) -> None:
        self.space, self.context = space, context
        self.tried: dict[str, bool] = {} if tried is None else tried
        self._problem: str | None = None
        self._built: dict[str, Predictor] | None = None
        self.need_data: list[str] = []

    def problem(self) -> str | None:
        self.built()
        return self._problem

    def built(self) -> dict[str, Predictor]:
        if self._built is None:
            self._built = {}
            try:
                self.space.check_encodings()
            except NasloopError as exc:
                self._problem = str(exc)
                return self._built
            for name in PREDICTORS.names():
                try:
                    predictor = built_or_none(lambda: self._build(name), MissingDataError)
                except MissingDataError:  # works once given the data it reads (zero-cost's stored proxies)
                    self.need_data.append(name)
                    continue
                if predictor is not None and self._passes(name, predictor):
                    self._built[name] = predictor
        return self._built

    def _build(self, name: str) -> Predictor:
        """Predictor ``name`` with its default options on this reader's context, untried."""
        return construct("predictor", "", PREDICTORS.get(name), self.space, wiring={"context": self.context, "seed": 0})

    def _passes(self, name: str, predictor: Predictor) -> bool:
        """Whether ``predictor`` passes the trial a search gives it (nasloop's own are not tried), once a listing."""
        if defined_by_nasloop(type(predictor)):
            return True
        if name not in self.tried:
            self.tried[name] = built_or_none(lambda: tried_predictor(
                name, lambda: self._build(name), self.space, True, 0, saves=False)) is not None
        return self.tried[name]

    def listed(self, but: Collection[str] = (), note: str = "") -> list[str]:
        """The names of the predictors that work, in the registry's order, each needing data not found saying so;
        those in ``but`` left out, and ``note`` after each."""
        built = self.built()
        return [name + NEEDS_DATA * (name in self.need_data) + note for name in PREDICTORS.names()
                if (name in built or name in self.need_data) and name not in but]
