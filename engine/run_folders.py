"""Where a new run's folder goes (the default name, claimed in one step, and a folder proven writable), and which
project a resumed one belongs to."""
from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Iterator

from .config import SearchConfig
from .errors import ConfigError
from .run_missing import PREDICTOR_STUDY_FILE, STUDY_FILE


def _default_names(config: SearchConfig) -> Iterator[Path]:
    """``runs/<space>-<dataset>-<strategy>-s<seed>-<time>`` (no dataset where the run reads none), then the same
    with ``-2``, ``-3``..."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dataset = "" if config.dataset is None else f"-{config.dataset}"  # none where the run reads none
    base = Path("runs") / f"{config.space}{dataset}-{config.strategy}-s{config.seed}-{stamp}"
    return (Path(f"{base}-{n}") if n > 1 else base for n in itertools.count(1))


def default_run_dir(config: SearchConfig) -> Path:
    """The first default folder name that is free now (a shell loop of short searches collided one time in
    five). A search given no run folder claims one with :func:`claim_default_run_dir`, which stays right when
    another search takes this name first."""
    return next(name for name in _default_names(config) if not Path(config.path(str(name))).exists())


def claim_default_run_dir(config: SearchConfig) -> Path:
    """Create the first free default folder in one step (``mkdir`` fails if it exists), so that searches started
    at once (``for p in flan mlp; do nasloop search --predictor $p & done``) each get their own folder instead of
    one being refused as 'being searched' by the other."""
    names = iter(_default_names(config))
    first = next(names)
    make_folder(Path(config.path(str(first.parent))), "--run-dir", "runs")
    for name in itertools.chain([first], names):
        try:
            os.mkdir(config.path(str(name)))
            return name
        except FileExistsError:
            continue
    raise AssertionError("unreachable: the names never end")


def study_holding(folder: Path) -> Path | None:
    """The 'nasloop compare' study whose ``runs`` hold ``folder`` (resolved); None where none does."""
    inside = folder.resolve()
    return next((parent for parent in inside.parents
                 if (parent / STUDY_FILE).is_file() and inside.is_relative_to(parent / "runs")), None)


def refuse_inside_study(folder: Path) -> None:
    """A study's ``--out`` inside another study's ``runs`` (``STUDY/runs/random``): its ``--force-new`` set that
    folder aside, and with it the other study's runs, which that study then counted missing and ran again."""
    parent = study_holding(folder)
    if parent is not None:
        raise ConfigError(f"--out {folder} is inside the runs of the 'nasloop compare' study {parent}; choose a "
                          "folder outside it")


def refuse_study_folder(run_dir: Path) -> None:
    """A run folder that is a study's own folder, or one of its method folders (``STUDY/runs/METHOD``): the run
    was written but neither ``show`` nor the study could read it back (studies place runs in ``seed-N``)."""
    own = [(run_dir, "the folder of a 'nasloop compare' study")]
    if run_dir.parent.name == "runs":
        own.append((run_dir.parent.parent, f"a method's folder in the 'nasloop compare' study {run_dir.parent.parent}"))
    for folder, what in own:
        if any((folder / name).is_file() for name in (STUDY_FILE, PREDICTOR_STUDY_FILE)):
            raise ConfigError(f"the run folder {run_dir} is {what}; give a --run-dir outside it (compare places "
                              "its own runs)")


def make_folder(folder: Path, flag: str, what: str) -> None:
    """Create ``folder`` (``flag``'s value) and prove it writable, or fail in one line before anything runs."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{flag} {folder} is a file; choose a folder name for the {what}")
    for place in (folder, *folder.parents):  # mkdir said 'File exists' of a folder that does not
        if place.is_symlink() and not place.exists():
            named = f"{flag} {folder}" if place == folder else f"{place} (in {flag} {folder})"
            raise ConfigError(f"{named} is a link to {os.readlink(place)}, which does not exist; create that folder "
                              f"or choose another {flag}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".nasloop-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"cannot create the {what} folder {folder}: {exc.strerror or exc}; "
                          f"choose a writable {flag}") from None


def started_in(stored: SearchConfig, run_dir: str | Path) -> str | None:
    """The folder a resumed run reads its relative paths from: the one it was started in, unless the run is
    being resumed inside a copy (or a move) of that project, which then has its own files.

    The run folder's path as stored says where it lay in its project (``runs/demo``). If that path under the
    recorded folder is the very folder being resumed (however it is named: a symlink, from inside it), the
    recorded folder stands; else, if the folder being resumed ends with that path and the original run is still
    in place (a copy) or its project is gone (a move), what lies above it is the project now; else (the run
    folder alone was moved) the recorded folder stands.
    """
    recorded, where = stored.workdir, os.path.abspath(run_dir)
    if recorded is None or stored.run_dir is None:
        return recorded
    inside = os.path.relpath(os.path.join(recorded, stored.run_dir), recorded)
    if inside.startswith(os.pardir):
        return recorded  # the run did not lie in the project: nothing to move along with
    original = os.path.join(recorded, inside)
    if os.path.exists(original) and os.path.samefile(original, where):
        return recorded
    parts = Path(inside).parts
    if Path(where).parts[-len(parts):] == parts:
        copy = str(Path(where).parents[len(parts) - 1])
        # a copy (the original run is still in place) or a move of the whole project (its folder is gone);
        # otherwise the run alone left a project that is still there, and reads that project's files
        if os.path.exists(original) or not os.path.isdir(recorded):
            return copy
    return recorded
