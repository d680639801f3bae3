"""The plugins a study folder recorded, loaded as ``search --resume`` loads a run's own: a report reads the table of
a plugin's space, and a ``compare`` continuing the study (or a predictor study) builds its plugins' strategies,
spaces and predictors, without the user naming them again where this user recorded them (see :mod:`.plugin_trust`)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from .config import SearchConfig
from .errors import ConfigError, DataError, NasloopError
from .plugin_trust import SIGNATURE_KEY, signature_meta, trusted, untrusted
from .objectives import directed
from .plugins import given_files, load_plugins, plugins_to_record, resolved_plugins
from .registry import SEARCH_SPACES
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE, started_in
from .store import DB_NAME, RunStore
from .study_file import load_study
from .study_grid import Study
from .user_files import folder_file_text


class Recorded(NamedTuple):
    """A study's plugins as recorded where they are read from: one of its runs' stores, else its study file."""

    plugins: list[str]
    workdir: str | None
    """The folder relative names are read from: the one its runs were started in, or the project it was copied or
    moved to; None for the study file's list, trusted only where every name is absolute."""
    folder: Path
    """The run folder, study folder or predictor study file that records them, which a refusal names."""
    trusted: bool


def _recorded(study: Study) -> Recorded:
    """Where ``study``'s plugins are read from, and whether this user recorded them there: the first of its runs
    this user signed, as a predictor study's file is signed anew by whoever continues it (another user's study
    continued with ``--plugin`` has its new runs signed by them, its first runs still by the first user, which
    refused their next continuation without ``--plugin``); else its first run, which a refusal names."""
    first: Recorded | None = None
    for run_dir in (study.run_dir(m, s) for m, s in study.runs()):
        if not (run_dir / DB_NAME).is_file():
            continue
        try:
            recorded = _run_recorded(run_dir)
        except NasloopError:  # the first run's damage is said as before; a later one's is left to what opens it
            if first is None:
                raise
            continue
        if recorded.trusted:
            return recorded
        if first is None:
            first = recorded
    if first is not None:
        return first
    # no run yet; or relative names, which study.json records no folder for and a report reads from the current
    # one (a copy's own plug.py was imported): only absolute ones are trusted
    return Recorded(list(study.base.plugins), None, study.folder,
                    trusted({"plugins": study.base.plugins}, study.plugins_signature, os.getcwd()))


def _run_recorded(run_dir: Path) -> Recorded:
    """The plugins the run in ``run_dir`` recorded, read from where a resume of it reads them."""
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


def continues(study: Study, request: Mapping[str, Any] | None) -> bool:
    """Whether a ``compare`` asking for the grid ``request`` (its fields but the dataset, which a plugin's space
    decides; None where the command's values are refused later) continues ``study``, with or without
    ``--force-new``: a study of another grid is refused, or set aside, and needs none of its plugins."""
    if request is None:
        return True
    stored = study.grid()
    return all(directed(stored[name]) == directed(value) if name == "objectives" else stored[name] == value
               for name, value in request.items() if name != "dataset")


def continued_plugins(out: Path, given: Sequence[str], request: Mapping[str, Any] | None,
                      on_note: Callable[[str], None] | None = None) -> list[str]:
    """The plugins of a ``compare`` into ``out`` asking for the grid ``request`` (see :func:`continues`): where it
    continues a study that recorded plugins, those (loaded now, as ``search --resume`` loads a run's), then the ones
    ``given`` that they lack, so that its new runs and its study file keep them. Continued without ``--plugin``, a
    study of a plugin's space was 'unknown search space' (its report loaded them). A recorded file is replaced by
    the one of its file name ``given`` (a fixed copy: loading both, their classes clashed), as a resume replaces
    it; plugins this user did not record, or a file gone since, give way to the ones ``given``, or are refused in
    words that say to give them. A study set aside or refused for its grid loads none: its gone file refused
    every compare into the folder, ``--force-new`` included. ``on_note`` hears of a recorded file so dropped."""
    try:
        study = load_study(out) if (out / STUDY_FILE).is_file() else None
    except DataError:  # open_study says what is wrong with it, or --force-new sets it aside
        study = None
    if study is None or not study.base.plugins or not continues(study, request):
        return list(given)
    return _continued(out, _recorded(study), given, on_note)


def continued_predictor_plugins(out: Path, given: Sequence[str],
                                on_note: Callable[[str], None] | None = None) -> list[str]:
    """The plugins of a ``compare --predictors`` into ``out``, as :func:`continued_plugins` gives a search study's:
    where it continues a predictor study that recorded plugins (:func:`plugin_record`), those, loaded now, then the
    ones ``given`` that they lack. A predictor study recorded none, so continued without ``--plugin``, one of a
    plugin's space was told to give the plugin again. One recorded before, without the record, still is."""
    path = out / PREDICTOR_STUDY_FILE
    try:
        record = json.loads(folder_file_text(path)) if path.is_file() else None
    except (OSError, ValueError):  # read_grid says what is wrong with it, or --force-new sets it aside
        record = None
    plugins = record.get("plugins") if isinstance(record, dict) else None
    if not plugins or not isinstance(plugins, list) or not all(isinstance(p, str) for p in plugins):
        return list(given)  # none recorded; or a list that is not one, which read_grid names
    workdir = record.get("workdir") if isinstance(record.get("workdir"), str) else None
    trust = trusted(record, record.get(SIGNATURE_KEY), os.getcwd())
    return _continued(out, Recorded(plugins, workdir, path, trust), given, on_note)


def plugin_record(plugins: Sequence[str]) -> dict[str, Any]:
    """What a predictor study file keeps of the plugins its command ran with, for :func:`continued_predictor_plugins`
    to load again: files as absolute paths, the folder module names were given in, and their signature (see
    :mod:`.plugin_trust`), as a search study's runs record theirs; nothing without plugins."""
    if not plugins:
        return {}
    record: dict[str, Any] = {"plugins": resolved_plugins(plugins, None), "workdir": os.getcwd()}
    return {**record, **signature_meta(record)}


def _continued(out: Path, recorded: Recorded, given: Sequence[str],
               on_note: Callable[[str], None] | None) -> list[str]:
    """The ``recorded`` plugins of the study in ``out``, loaded, then those ``given`` that they lack. A recorded
    file is replaced by the one of its file name ``given`` (a fixed copy: loading both, their classes clashed), as
    a resume replaces it; plugins this user did not record, or a file gone since, give way to the ones ``given``,
    or are refused in words that say to give them. A gone file that gives way is said to ``on_note``: it left the
    study's record unsaid, and a method of its plugin then failed as unknown, with no word of the file."""
    moved = given_files(given)
    own = [spec for spec in recorded.plugins if not (spec.endswith(".py") and Path(spec).name in moved)]
    if own and not recorded.trusted:
        if not given:
            raise untrusted(recorded.folder, recorded.plugins)
        own = []  # the ones given take their place
    where = {spec: Path(resolved_plugins([spec], recorded.workdir)[0]) for spec in own}
    gone = [where[spec] for spec in own if spec.endswith(".py") and not where[spec].is_file()]
    if gone and not given:
        raise ConfigError(f"{out} was started with the plugin file {gone[0]}, which no longer exists; put it back "
                          "where it was to continue the study, or give the plugin again: nasloop --plugin FILE "
                          "compare ...")
    if gone and on_note is not None:
        on_note(f"{out} was started with the plugin file(s) {', '.join(map(str, gone))}, gone since; the study goes "
                "on without them, with the plugins given (put a file back where it was to keep it)")
    own = [spec for spec in own if where[spec] not in gone]
    load_plugins(own, recorded.workdir)
    here = recorded.workdir in (None, os.getcwd())  # else this compare's runs read them from where they were
    names = []
    for spec in recorded.plugins:
        if spec in own:
            names.append(spec if here else str(where[spec]))
        elif spec.endswith(".py") and Path(spec).name in moved:
            names.append(moved[Path(spec).name])
    return names + plugins_to_record(names, given, None)
