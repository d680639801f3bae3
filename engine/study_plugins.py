"""The plugins a study folder recorded, loaded as ``search --resume`` loads a run's own: a report reads the table of
a plugin's space, and a ``compare`` continuing the study builds its plugins' strategies and spaces, without the user
naming them again where this user recorded them (see :mod:`.plugin_trust`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple, Sequence

from .config import SearchConfig
from .errors import ConfigError, DataError
from .plugin_trust import SIGNATURE_KEY, trusted, untrusted
from .plugins import load_plugins, plugins_to_record, resolved_plugins
from .registry import SEARCH_SPACES
from .run_folders import STUDY_FILE, started_in
from .store import DB_NAME, RunStore
from .study import Study, load_study


class Recorded(NamedTuple):
    """A study's plugins as recorded where they are read from: one of its runs' stores, else its study file."""

    plugins: list[str]
    workdir: str | None
    """The folder relative names are read from: the one its runs were started in, or the project it was copied or
    moved to; None for the study file's list, trusted only where every name is absolute."""
    folder: Path
    """The run folder or study folder that records them, which a refusal names."""
    trusted: bool


def _recorded(study: Study) -> Recorded:
    """Where ``study``'s plugins are read from, and whether this user recorded them there."""
    run_dir = next((d for d in (study.run_dir(m, s) for m, s in study.runs()) if (d / DB_NAME).is_file()), None)
    if run_dir is None:
        # another user's study; or relative names, which study.json records no folder for and a report reads from
        # the current one (a copy's own plug.py was imported): only absolute ones are trusted
        return Recorded(list(study.base.plugins), None, study.folder,
                        trusted({"plugins": study.base.plugins}, study.plugins_signature, os.getcwd()))
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        saved, signature = store.get_meta("config") or {}, store.get_meta(SIGNATURE_KEY)
    config = SearchConfig.from_stored(saved, source=f"{run_dir / DB_NAME}")
    workdir = started_in(config, run_dir)
    return Recorded(list(config.plugins), workdir, run_dir, trusted(saved, signature, workdir))


def load_study_plugins(study: Study) -> None:
    """The plugins of a study whose space they register (its table gives the default target), read as a resumed
    run reads them: from the folder its runs were started in, or the project it was copied or moved to."""
    if not study.base.plugins or study.base.space in SEARCH_SPACES.names():
        return
    recorded = _recorded(study)
    if not recorded.trusted:  # as a resume of the run would refuse them
        raise untrusted(recorded.folder, recorded.plugins)
    load_plugins(recorded.plugins, recorded.workdir)


def continued_plugins(out: Path, given: Sequence[str]) -> list[str]:
    """The plugins of a ``compare`` into ``out``: where it continues a study that recorded plugins, those (loaded
    now, as ``search --resume`` loads a run's), then the ones ``given`` that they lack, so that its new runs and
    its study file keep them. Continued without ``--plugin``, a study of a plugin's space was 'unknown search
    space' (its report loaded them). Plugins this user did not record, or a file gone since, are replaced by the
    ones ``given``, or refused in words that say to give them."""
    try:
        study = load_study(out) if (out / STUDY_FILE).is_file() else None
    except DataError:  # open_study says what is wrong with it, or --force-new sets it aside
        study = None
    if study is None or not study.base.plugins:
        return list(given)
    recorded = _recorded(study)
    gone = next((path for spec in recorded.plugins if spec.endswith(".py")
                 and not (path := Path(resolved_plugins([spec], recorded.workdir)[0])).is_file()), None)
    if given and (not recorded.trusted or gone is not None):
        return list(given)
    if not recorded.trusted:
        raise untrusted(recorded.folder, recorded.plugins)
    if gone is not None:
        raise ConfigError(f"{out} was started with the plugin file {gone}, which no longer exists; put it back where "
                          "it was to continue the study, or give the plugin again: nasloop --plugin FILE compare ...")
    load_plugins(recorded.plugins, recorded.workdir)
    names = (recorded.plugins if recorded.workdir in (None, os.getcwd())
             else resolved_plugins(recorded.plugins, recorded.workdir))  # this compare's runs read them from here
    return names + plugins_to_record(names, given, None)
