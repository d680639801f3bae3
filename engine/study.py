"""Studies: a grid of (method, seed) searches on one space, run and re-run without losing anything.

A study folder holds ``study.json`` (the grid: space, dataset, evaluator, budget, the methods
with their full options, the seeds) and one ordinary run directory per (method, seed) under
``runs/``, so ``nasloop show`` and ``export`` work on each. Running the same command again skips
finished runs, resumes interrupted ones and adds new methods or seeds; a grid that differs in
what the runs compute (space, budget, a method's options...) is refused, naming the difference.
How a method is written: :mod:`.study_methods`.
"""
from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Iterator

from .assemble import canonical_dataset, reads_dataset
from .config import SearchConfig
from .errors import ConfigError, DataError, NasloopError
from .objectives import directed
from .option_bounds import stored_options
from .plugin_trust import SIGNATURE_KEY, signature_meta
from .plugins import resolved_plugins
from .replaced_files import replaced
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE, refuse_inside_study
from .search import resume, search
from .stop_reasons import name_sigterm
from .study_pool import run_in_pool
from .study_ray import run_on_ray
from .study_renew import renewable, run_state, set_aside, set_aside_runs
from .study_methods import (Method, MethodSource, ascii_folder_name, assign_folders, folder_clash, read_sources,
                            run_folder)
from .store import DB_NAME
from .user_files import check_pretrained_files, folder_file_text, pretrained_digests

STUDY_VERSION = 1
GRID_FIELDS = ("space", "dataset", "evaluator", "budget", "max_seconds", "fidelity", "objective", "minimize",
               "objectives", "reference_point", "dedup", "space_options", "evaluator_options")
"""What every run of a study shares; a study folder made with other values is another study."""


@dataclass
class Study:
    """The grid of a study folder: what every run shares, the methods and the seeds."""

    folder: Path
    base: SearchConfig
    methods: list[Method]
    seeds: list[int]
    pretrained_files: dict[str, str] = field(default_factory=dict)
    """The sha256 of every file a method's ``pretrained`` option names (see :func:`pretrained_digests`)."""
    folders: dict[str, str] = field(default_factory=dict)
    """Each method's run folder under ``runs/`` by label, as recorded: one made by an older rule stays where it is."""
    report: dict[str, Any] = field(default_factory=dict)
    """How the last ``compare`` reported the study (``target``: None for the table's best; ``interval``), so a
    later ``nasloop report`` writes the same report; not part of the grid, since no run computes it."""
    plugins_signature: str | None = None
    """The signature of its plugin list as recorded: a report imports them unasked only where this user's secret
    verifies it (see .plugin_trust)."""
    sources: dict[str, MethodSource] = field(default_factory=dict)
    """Where the user last wrote each method, by label, which its runs' fixes name; none for an older study's."""
    continued: set[str] = field(default_factory=set)
    """The methods the folder stored with the options they still have, by label: their new seeds read those options
    as a stored run's (:func:`.option_bounds.stored_options`), so a study begun past a bound added since goes on."""

    def config(self, method: Method, seed: int) -> SearchConfig:
        """The run of ``method`` and ``seed``, on the study's dataset where the method reads it: a study of random
        search and a proxy-guided method on a user's network space reads CIFAR-10 for the guided runs only, since a
        random run that named it would be refused as naming a dataset nothing reads."""
        reads = reads_dataset(self.base.space, self.base.evaluator, [method.guide])
        return self.base.replace(strategy=method.strategy, predictor=method.predictor,
                                 dataset=self.base.dataset if reads else None,
                                 objectives=directed(self.base.objectives),  # an older study's bare names: :max
                                 strategy_options=dict(method.strategy_options),
                                 predictor_options=dict(method.predictor_options), seed=seed,
                                 run_dir=str(self.run_dir(method, seed)))

    def run_dir(self, method: Method, seed: int) -> Path:
        return self.folder / "runs" / run_folder(method, self.folders) / f"seed-{seed}"

    def runs(self) -> Iterator[tuple[Method, int]]:
        for method in self.methods:
            for seed in self.seeds:
                yield method, seed

    def grid(self) -> dict[str, Any]:
        return {name: getattr(self.base, name) for name in GRID_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return {"version": STUDY_VERSION, "grid": self.grid(), "data_dir": self.base.data_dir,
                "executor": self.base.executor, "executor_options": self.base.executor_options,
                "plugins": self.base.plugins, "methods": [asdict(m) for m in self.methods], "seeds": self.seeds,
                "pretrained_files": self.pretrained_files, "report": self.report,
                "folders": {m.label: run_folder(m, self.folders) for m in self.methods},
                "sources": {label: asdict(source) for label, source in self.sources.items()},
                **signature_meta({"plugins": self.base.plugins})}


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


def load_study(folder: Path) -> Study:
    """The study recorded in ``folder/study.json``; a missing or damaged file is one line."""
    path = Path(folder) / STUDY_FILE
    try:
        record = json.loads(folder_file_text(path))
        if not isinstance(record, dict):
            raise ValueError(f"it holds a {type(record).__name__}, not a study's mapping")
        version = record.get("version", STUDY_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):  # was said to be a newer nasloop's
            raise ValueError(f"its version is {version!r}, not a whole number")
        if version > STUDY_VERSION:
            raise DataError(f"{path} is a study file of version {version!r}, written by a newer nasloop (this one "
                            f"reads up to {STUDY_VERSION}); upgrade nasloop to read it")
        grid = record["grid"]
        try:  # a budget of NaN was one line naming neither the file nor the fix
            base = SearchConfig.from_stored({**grid, "data_dir": record.get("data_dir"),
                                              "executor": record.get("executor", "inprocess"),
                                              "executor_options": record.get("executor_options") or {},
                                              "plugins": record.get("plugins") or []}, source="its grid")
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        methods = [_method(m) for m in record["methods"]]
        seeds = record["seeds"]
        odd = next((s for s in seeds if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < 2**63), None)
        if odd is not None:  # int() read 1.5 and true as seed 1, and a list of text failed in its own words
            raise ValueError(f"its seeds include {odd!r}, not a whole number from 0 to 2**63 - 1")
        _once("seed", seeds)  # a repeat counted one run as several seeds (or methods) in every statistic
        _once("method", [m.label for m in methods])
        files = {str(name): str(digest)
                 for name, digest in _mapping(record.get("pretrained_files"), "pretrained files")}
        report = _report_settings(record.get("report") or {})
        folders = _folders(record.get("folders"), methods)
        sources = read_sources(record.get("sources"))
    except FileNotFoundError:
        raise DataError(f"no study at {folder} (missing {STUDY_FILE}); make one with 'nasloop compare'") from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nested JSON
        raise DataError(f"{path} is not a readable study file ({type(exc).__name__}: {exc}); "
                        "set the folder aside and run 'nasloop compare' again") from None
    return Study(Path(folder), base, methods, seeds, files, folders, report, record.get(SIGNATURE_KEY), sources)


def _method(record: Any) -> Method:
    """A recorded method, its names text and its options mappings: a label of 5 failed as an unexpected
    AttributeError where its folder name was made."""
    method = Method(**record)
    names_ok = isinstance(method.label, str) and isinstance(method.strategy, str) and (
        method.predictor is None or isinstance(method.predictor, str))
    if not (names_ok and isinstance(method.strategy_options, dict) and isinstance(method.predictor_options, dict)):
        raise ValueError(f"a method {record!r} does not name its label, strategy and predictor as text with "
                         "options as mappings")
    return method


def _mapping(record: Any, what: str) -> Any:
    """The items of a recorded mapping (absent: none)."""
    if record is None:
        return ()
    if not isinstance(record, dict):
        raise ValueError(f"its {what} are {record!r}, not a mapping")
    return record.items()


def _once(what: str, values: list[Any]) -> None:
    """Refuse a study file listing one seed or method twice (a hand edit: nasloop writes each once). Counted once
    each: a list of 200,000 seeds took minutes to count one by one."""
    repeated = sorted(str(v) for v, count in Counter(values).items() if count > 1)
    if repeated:
        raise ValueError(f"it lists the {what} {repeated[0]} more than once")


def _folders(record: Any, methods: list[Method]) -> dict[str, str]:
    """The recorded run folder of each method (absent from studies made before: their folders kept ASCII only),
    each checked to be one folder name, since a damaged one would place runs outside ``runs/``."""
    if record is None:
        return {m.label: ascii_folder_name(m.label) for m in methods}
    if not isinstance(record, dict):
        raise ValueError(f"its folders are {record!r}, not a mapping of method to folder")
    for name in record.values():
        if not isinstance(name, str) or name in ("", ".", "..") or any(c in name for c in "/\\\0"):
            raise ValueError(f"its run folder {name!r} is not one folder name")
    return {str(label): name for label, name in record.items()}


def _report_settings(record: dict[str, Any]) -> dict[str, Any]:
    """The recorded ``report`` of a study.json (absent from studies made before it was kept: the defaults), checked
    so that a damaged one fails here, naming the file, not as a traceback in the report."""
    if not isinstance(record, dict):
        raise ValueError(f"its report is {record!r}, not a mapping of target and interval")
    target, interval = record.get("target"), record.get("interval", "t")
    if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))):
        raise ValueError(f"its report target is {target!r}, not a number")
    if interval not in ("t", "bootstrap"):
        raise ValueError(f"its report interval is {interval!r}, not 't' or 'bootstrap'")
    return {"target": None if target is None else float(target), "interval": interval}


Job = tuple[dict[str, Any], str, bool]
"""One run to do: its configuration as a mapping, whether it is ``new`` or ``interrupted``, and whether its method's
options are the study's stored ones (:attr:`Study.continued`)."""


def _run_one(job: Job) -> tuple[str, str]:
    """One run in a worker process: a new search, or the resumption of an interrupted or failed one."""
    config_record, state, stored = job
    config = SearchConfig.from_mapping(config_record)
    try:
        with stored_options(stored):
            summary = (resume(config.path(config.run_dir), plugins=resolved_plugins(config.plugins, config.workdir))
                       if state in ("interrupted", "failed") else search(config))  # plugins: the user's, given again
    except NasloopError as exc:
        return config.run_dir, f"error: {exc}"
    return config.run_dir, summary["status"]


def _name_sigterm(job: Job) -> None:
    """Record that SIGTERM stopped a job's run, which Ray's cancel interrupted as Ctrl-C (see :func:`run_on_ray`)."""
    config = SearchConfig.from_mapping(job[0])
    name_sigterm(config.path(config.run_dir))


def plan_study(study: Study) -> tuple[list[Job], dict[str, str]]:
    """The runs still to do, and the outcome of each run that is kept as it is (finished, damaged).

    A failed run is continued like an interrupted one: its cause (a plugin's bug, a missing file) may have been
    mended since, and a failed run kept as it is would leave its method out of the study's tables unseen."""
    pending, kept = [], {}
    for method, seed in study.runs():
        run_dir = study.run_dir(method, seed)
        state = run_state(run_dir)
        if state == "finished":
            kept[str(run_dir)] = "finished (kept)"
        elif state == "damaged":
            kept[str(run_dir)] = "damaged: left alone; set it aside to run it again"
        else:  # relative paths (the study folder, --data-dir) mean the same files in a worker, wherever it runs
            pending.append((study.config(method, seed).replace(workdir=os.getcwd()).to_dict(), state,
                            method.label in study.continued))
    return pending, kept


def run_study(pending: list[Job], jobs: int | None = None, on_run: Callable[[str, str], None] | None = None,
              ray_address: str | None = None, use_ray: bool = False) -> dict[str, str]:
    """Do the ``pending`` runs of :func:`plan_study`, ``jobs`` at a time (one where None; on Ray, as many as it
    places); run dir → outcome.

    Each run is an ordinary search in its own process (``spawn``: torch is not fork-safe once
    used), so a crash in one cannot take the others down; with ``use_ray`` each run is one Ray
    task instead (a local Ray on loopback, or the cluster at ``ray_address``), its own evaluator
    and executor unchanged. ``on_run(run_dir, outcome)`` sees each run as it ends.
    """
    outcomes: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        if use_ray and pending:  # a study with nothing left to run needs no Ray (nor a reachable --ray-address)
            results: Iterator[tuple[str, str]] = run_on_ray(_run_one, pending, ray_address, _name_sigterm, jobs)
        elif (jobs or 1) <= 1:
            results = map(_run_one, pending)
        else:
            results = stack.enter_context(contextlib.closing(run_in_pool(_run_one, pending, jobs)))
        for run_dir, outcome in results:
            outcomes[run_dir] = outcome
            if on_run:
                on_run(run_dir, outcome)
    return outcomes
