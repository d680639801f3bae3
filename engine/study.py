"""Studies: a grid of (method, seed) searches on one space, run and re-run without losing anything.

A study folder holds ``study.json`` (the grid: space, dataset, evaluator, budget, the methods
with their full options, the seeds) and one ordinary run directory per (method, seed) under
``runs/``, so ``nasloop show`` and ``export`` work on each. Running the same command again skips
finished runs, resumes interrupted ones and adds new methods or seeds; a grid that differs in
what the runs compute (space, budget, a method's options...) is refused, naming the difference.
This module opens a study folder for a command; what a study is: :mod:`.study_grid`; its file read:
:mod:`.study_file`; its runs done: :mod:`.study_run`; how a method is written: :mod:`.study_methods`.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Collection

from .assemble import canonical_dataset
from .config import SearchConfig
from .errors import ConfigError, DataError
from .objectives import directed
from .replaced_files import replaced
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE, refuse_inside_study
from .store import DB_NAME
from .study_file import load_study
from .study_grid import Study
from .study_methods import Method, MethodSource, assign_folders, folder_clash, run_folder
from .study_renew import renewable, set_aside, set_aside_runs
from .user_files import check_pretrained_files, pretrained_digests



def open_study(folder: Path, base: SearchConfig, methods: list[Method], seeds: list[int],
               force_new: bool = False, on_note: Callable[[str], None] | None = None,
               report: dict[str, Any] | None = None, sources: dict[str, MethodSource] | None = None,
               check_data: Callable[[Study], None] | None = None) -> Study:
    """The study in ``folder`` with ``methods`` and ``seeds`` added; refuse a folder made for another grid.
    ``report`` (target, interval) is recorded as how this study is now reported, in place of the last one, and
    ``sources`` as where ``methods`` are written now (a method the command does not name keeps its recorded one).
    A method whose options changed is run anew where none of its runs holds a result (see :mod:`.study_renew`).
    ``on_note`` hears where ``force_new`` put the old study, which the user would otherwise have to go and find.
    ``check_data`` is given the stored study of this grid that is continued, before anything is written
    (:func:`.study_data.check_study_data`: its runs' results against the data found now); a study it refuses is set
    aside with ``force_new``, as one of another grid is."""
    def aside(kind: str = "of another grid") -> None:
        moved = set_aside(folder)
        if on_note is not None:
            on_note(f"the study {kind} in {folder} is set aside as {moved} (nothing deleted)")

    path = folder / STUDY_FILE
    refuse_inside_study(folder)
    refuse_shared_folders(folder, list(methods))  # before --force-new sets anything aside
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--out {folder} is a file; choose a folder for the study")
    other = next((name for name in (DB_NAME, PREDICTOR_STUDY_FILE) if (folder / name).exists()), None)
    if other is not None:  # the two would share a folder that neither show nor report then reads whole
        raise ConfigError(f"--out {folder} holds {'a run' if other == DB_NAME else 'a predictor study'} "
                          f"({other}); choose another folder for the study")
    if (folder / "runs").exists() and not (folder / "runs").is_dir():  # every run failed, each in a line of its own
        raise ConfigError(f"{folder / 'runs'} is a file, where the study keeps its runs; move it, or choose another "
                          "--out")
    study = Study(folder, base, list(methods), list(seeds), report=dict(report or {}), sources=dict(sources or {}))
    recorded: dict[str, str] = {}
    known: dict[str, Method] = {}
    try:
        stored = load_study(folder) if path.exists() else None
    except DataError:
        if not force_new:
            raise
        stored = None  # a damaged or foreign study.json: --force-new is how it is set aside
        aside("that is not readable")
    renewed = {} if stored is None else renewable(stored, methods)
    conflict = None if stored is None else _conflict(stored, study, methods, renewed)
    if conflict is not None and force_new:  # a study of this grid is continued, as without --force-new
        aside()
        stored, renewed = None, {}
    elif conflict is not None:
        raise ConfigError(conflict)
    if stored is not None and check_data is not None:
        try:
            check_data(stored)
        except DataError:
            if not force_new:
                raise
            aside("on other data")
            stored, renewed = None, {}
    if stored is not None:
        recorded = stored.pretrained_files
        if canonical_dataset(base.space, str(stored.base.dataset)) == study.base.dataset:
            study.base = study.base.replace(dataset=stored.base.dataset)  # begun before names were canonical
        # as stored: bare names (an older study's) stay bare, so that the command that made it still continues it
        study.base = study.base.replace(objectives=stored.base.objectives)
        known = {m.label: m for m in stored.methods}
        study.methods = [renewed.get(m.label, m) for m in stored.methods] + [m for m in methods if m.label not in known]
        study.seeds = sorted(set(stored.seeds) | set(seeds))
        study.folders = dict(stored.folders)
        study.sources = {**stored.sources, **study.sources}
        study.continued = {label for label in known if label not in renewed}
        study.grid_stored = True
    study.folders = assign_folders(study.methods, study.folders)
    refuse_shared_folders(folder, study.methods, set(known), study.folders)
    study.pretrained_files = {**recorded, **_pretrained_files(study.methods)}
    folder.mkdir(parents=True, exist_ok=True)
    set_aside_runs(study, list(renewed), on_note)  # before the new options are recorded: see set_aside_runs
    with replaced(path, path.with_name(STUDY_FILE + ".part")) as partial:  # a Ctrl-C leaves no part file either
        partial.write_text(json.dumps(study.to_dict(), indent=1))
    return study


def _conflict(stored: Study, study: Study, methods: list[Method], renewed: dict[str, Method]) -> str | None:
    """Why the study ``stored`` in a folder cannot take ``study``'s request (another grid, a method's name
    with other options, unless it is ``renewed``: run anew with them); None when it can."""
    for name, value in stored.grid().items():
        wanted = study.grid()[name]
        if name == "dataset" and (wanted is None  # its runs read none (older ones recorded CIFAR-10)
                                  or canonical_dataset(study.base.space, str(value)) == wanted):
            continue  # or begun before names were canonical
        if name == "objectives":  # a bare name, stored before they were refused, was maximised: it is its :max
            value, wanted = directed(value), directed(wanted)
        if value != wanted:
            return (f"{study.folder} holds a study {_difference(name, value, wanted)}; use another --out, "
                    "or --force-new to set the old study aside")
    known = {m.label: m for m in stored.methods}
    clash = next((m for m in methods if m.label in known and known[m.label] != m and m.label not in renewed), None)
    if clash is not None:
        return (f"{study.folder}: method '{clash.label}' was run with other options ({asdict(known[clash.label])}); "
                "give the new one another name, or --force-new to set the old study aside")
    try:
        check_pretrained_files(study.folder, stored.pretrained_files,
                               _pretrained_files([renewed.get(m.label, m) for m in stored.methods]
                                                 + [m for m in methods if m.label not in known]))
    except ConfigError as exc:
        return str(exc)
    return None


def _difference(name: str, stored: Any, asked: Any) -> str:
    """How a stored grid value differs from the one asked for, in words (``not None`` read as a value)."""
    if stored is None:
        return f"without {name}, not one with {name} = {asked!r}"
    return f"with {name} = {stored!r}, not " + (f"{asked!r}" if asked is not None else f"one without {name}")


def refuse_shared_folders(folder: Path, methods: list[Method], stored: Collection[str] = (),
                          folders: dict[str, str] | None = None) -> None:
    """Refuse, before anything is written, a study in which two methods' runs would share a folder.

    ``methods`` lists the study's ``stored`` methods first, so a clash with one of them names the new method;
    ``folders`` are the study's recorded run folders (:attr:`Study.folders`).
    """
    clash = folder_clash(methods, folders)
    if clash is None:
        return
    first, second = clash
    where = f"{folder}/runs/{run_folder(first, folders)}"
    if first.label in stored and second.label in stored:
        raise ConfigError(f"{folder} holds methods '{first.label}' and '{second.label}' whose runs share the folder "
                          f"{where} (a study made before such names were refused); use another --out, or "
                          "--force-new to set the old study aside")
    fix = (f"give '{second.label}' another name" if first.label in stored else "rename one of them")
    raise ConfigError(f"methods '{first.label}' and '{second.label}' would share the run folder {where}; {fix}")


def _pretrained_files(methods: list[Method]) -> dict[str, str]:
    """The digests of the files the study's methods start from (path -> sha256): one that changed since the study
    recorded it makes another grid (:func:`_conflict`), since its next seeds would start from other weights under
    the same method label."""
    return pretrained_digests({m.label: m.predictor_options for m in methods})
