"""A run's saved strategy state loaded into its strategy, or why it does not load, in words that say whose fix it is."""
from __future__ import annotations

from ..search_spaces.base import SearchSpace
from ..strategies.base import Strategy, UnreadableState
from .errors import ArchitectureError, DataError, describe_exception
from .parsed_texts import parsed_once
from .registry import defined_by_nasloop
from .store import RunStore
from .store_rows import RESTORE
from .stored_keys import stored_architectures
from .types import Arch


def load_run_state(space: SearchSpace, strategy: Strategy,
                   store: RunStore) -> tuple[dict[str, Arch | None], int | None]:
    """The run's stored architectures as ``space`` reads them (:func:`.stored_keys.stored_architectures`), and
    ``strategy`` restored from ``store``, with the step its state was saved at (None: none saved). A state the run
    cannot continue from (a pretrained file that changed) or a stored architecture the space does not read fails
    here, before the run is marked running, on a resume with nothing to do too. Each stored text is parsed once for
    the record and the strategy (:mod:`.parsed_texts`)."""
    with parsed_once(space):
        return stored_architectures(store, space), load_saved_state(strategy, store)


def load_saved_state(strategy: Strategy, store: RunStore) -> int | None:
    """Load the state saved in ``store`` into ``strategy``; the step it was saved at, None where none was saved."""
    saved = store.strategy_state()
    if saved is None:
        return None
    step, state = saved
    try:
        strategy.load_state_dict(state)
    except (ArchitectureError, TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        # a value edited or cut in the store surfaced as numpy's or the strategy's own error; a key it lacks
        # is named as the strategy's code met it (the one-line ConfigError is for a script's own call)
        cause = exc.__cause__ if isinstance(exc, UnreadableState) and exc.__cause__ is not None else exc
        raise DataError(_state_error(strategy, store, cause)) from None
    return step


def _state_error(strategy: Strategy, store: RunStore, exc: BaseException) -> str:
    """Why a saved state did not load. For nasloop's own strategies the store was damaged (an architecture of
    another space, a list cut short); a user's strategy may instead have changed since the run saved its
    state, so its message says where its code raised and both fixes."""
    name = type(strategy).__name__  # the class whose load_state_dict is at fault
    if defined_by_nasloop(type(strategy)):
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no details'}"
        reason = reason if len(reason) <= 200 else reason[:199] + "…"
        return f"{store.path} is damaged: the strategy state does not load into {name} ({reason}); {RESTORE}"
    return (f"the strategy state in {store.path} does not load into {name} ({describe_exception(exc)}); its "
            "load_state_dict must read what its state_dict wrote: if its code changed since the run saved the "
            "state, make it read the older form too, and if the store was edited, restore it from a backup")
