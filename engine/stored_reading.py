"""What ``show``, ``export`` and ``report`` say of stored architectures the run's space does not read now.

A resume reads every stored string with the run's space (:mod:`.stored_keys`): a user's space whose format changed
since keeps the finished trials it no longer reads under their stored keys and says so in a note, and one of
nasloop's own spaces refuses such a string as damage. The readers build no space, so they showed, exported and
reported those strings as architectures without a word, and a run a resume would refuse as damaged looked whole.
They still show the run (its strings as stored: the user reads them, whatever the space makes of them now) and
say in one line what a resume will do with the strings the space does not read.

Only a space at hand is judged: nasloop's own, or a plugin loaded in this process (``nasloop --plugin FILE show``,
or imported by a script); a reader does not import a run's plugins, which it does not otherwise run. The space is
built with the run's options and dataset and no data: a space that cannot be built so is not judged. ``show``,
``export`` and ``report`` of a run whose plugin's space is not loaded say its strings were not judged, and the
``--plugin`` that has them judged.
"""
from __future__ import annotations

from typing import Any

from ..search_spaces.base import SearchSpace
from .assemble import build_space
from .context import RunContext
from .errors import DataError, one_line
from .plugins import resolved_plugins
from .registry import SEARCH_SPACES, defined_by_nasloop
from .store import RunStore
from .store_rows import RESTORE
from .stored_keys import stored_arch


def _space(config: Any) -> SearchSpace | None:
    """The run's space as configured (``config``: the stored run configuration), built without data; None where it
    is not at hand or cannot be built so."""
    name = config.get("space") if isinstance(config, dict) else None
    if not isinstance(name, str) or name not in SEARCH_SPACES.names_at_hand():
        return None
    options, dataset = config.get("space_options") or {}, config.get("dataset")
    try:
        return build_space(name, RunContext(dataset=dataset if isinstance(dataset, str) else None), **options)
    except Exception:  # noqa: BLE001 - a space needing its data, or a plugin's failure: the reader says nothing
        return None


def unread_note(store: RunStore) -> str:
    """One line on the trials of ``store`` whose strings the run's space does not read now, in the words of what a
    resume does with them; '' where it reads them all, or cannot be judged (see the module's doc)."""
    space = _space(store.get_meta("config"))
    if space is None:
        return ""
    unread, first = 0, None
    rows = store.db.execute("SELECT MIN(id), arch, COUNT(*) FROM trials GROUP BY arch ORDER BY MIN(id)")
    for trial_id, text, count in rows:
        try:
            stored_arch(store.path, space, trial_id, text)
        except DataError:
            unread, first = unread + count, first or (trial_id, text)
    if first is None:
        return ""
    held = one_line(repr(first[1]), 80)  # an edited store may hold any length
    said = f"{unread} trial(s) of {store.path} (the first: trial {first[0]}, {held}) hold strings"
    if defined_by_nasloop(type(space)):
        return (f"{said} that are no architecture of {space.name}: the store was edited, and a resume refuses it as "
                f"damaged; {RESTORE}")
    return (f"{said} search space '{space.name}' does not read now (its format changed since, or the store was "
            "edited): shown as stored; a resume keeps the finished ones under the keys they were stored with, and "
            "one it must evaluate again needs the space to read it")


def unchecked_note(store: RunStore, command: str = "show", after: str = "") -> str:
    """One line for a run of a plugin's space that is not loaded here, so its strings were not judged (see the
    module's doc), naming the plugins the run recorded and how to have them judged: ``show``, ``export`` and
    ``report`` (``command``) said nothing, as of a run they had checked whole; the command given again is theirs,
    ``after`` (its arguments after the run's folder) included. '' where the space is at hand, or the run recorded no
    plugins to give."""
    config = store.get_meta("config")
    name = config.get("space") if isinstance(config, dict) else None
    plugins = config.get("plugins") if isinstance(config, dict) else None
    if not isinstance(name, str) or name in SEARCH_SPACES.names_at_hand() or not isinstance(plugins, list) \
            or not plugins or not all(isinstance(p, str) for p in plugins):
        return ""
    workdir = config.get("workdir")
    given = " ".join(f"--plugin {p}" for p in resolved_plugins(plugins, workdir if isinstance(workdir, str) else None))
    return (f"the strings of {store.path} were not checked: its search space '{name}' is a plugin's, which {command} "
            f"does not load unasked; to have them read as a resume reads them, give its plugins: nasloop {given} "
            f"{command} {store.path.parent}{after}")


def with_unread_note(summary: dict[str, Any], store: RunStore, unchecked_by: str = "",
                     after: str = "") -> dict[str, Any]:
    """``summary`` (:func:`.search.summarize`'s of ``store``) with its ``unread_note`` where there is one; with
    ``unchecked_by`` (``show``, ``report``: the command, ``after`` its arguments past the run's folder), the
    :func:`unchecked_note` of a run whose plugin's space was not judged."""
    note = unread_note(store) or (unchecked_note(store, unchecked_by, after) if unchecked_by else "")
    return {**summary, "unread_note": note} if note else summary
