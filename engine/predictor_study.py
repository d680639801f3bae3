"""Predictor studies: ranking quality of several predictors over train sizes and seeds, kept in a folder.

``nasloop compare --predictors flan,gp --train-sizes 8,40,128 --seeds 5 --out DIR`` records its grid
in ``DIR/predictor_study.json`` and appends each (predictor, train size, seed) record to
``DIR/predictor_records.jsonl`` the moment it is measured, so a killed study loses at most the
fit in progress and the same command continues it, adding new predictors, sizes or seeds. The grid file keeps
what the study's space and predictors resolved from the benchmark (``resolved_options``, see
:mod:`.resolved_options`), which a continued study gives back: continued after a default changed, the study fitted
another predictor under the same name, its seeds mixing two rankings in one row.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .assemble import canonical_dataset, space_benchmark
from .errors import ConfigError, DataError, first_few
from .predictor_data import data_record, same_data
from .predictor_evaluation import evaluate_predictors, ranked_metric
from .predictor_grid import RANKED, asked_seeds, check_held, check_recorded, ranked_fidelity
from .option_bounds import stored_options
from .predictor_options import options_per_predictor
from .replaced_files import replaced
from .resolved_options import ResolvedOptions
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE, refuse_inside_study
from .run_lock import StudyLock, new_study_lock
from .registry import SEARCH_SPACES
from .store import DB_NAME
from .store_rows import RESOLVED_KEY
from .study_renew import set_aside
from .study_stats import spread
from .user_files import check_pretrained_files, folder_file_text, pretrained_digests, same_but_moved_files

RECORDS_FILE = "predictor_records.jsonl"
BOUNDS = {"kendall_tau": (-1.0, 1.0), "spearman": (-1.0, 1.0), "precision_top1": (0.0, 1.0),
          "precision_top5": (0.0, 1.0), "fit_seconds": (0.0, math.inf), "predict_seconds": (0.0, math.inf)}
"""What each figure a fit measures can be."""
METRICS = tuple(BOUNDS)


def read_records(folder: Path, grid: dict[str, Any]) -> list[dict[str, Any]]:
    """The study's measured fits, one per (predictor, train size, seed): two commands continuing one study at
    once both measure what it lacked, and counting both would shrink every interval as if seeds were added. Each
    is of the ``grid``'s space, dataset task, metric and fidelity: a row merged in from another space's, task's,
    metric's or fidelity's study was counted as this one's (and stood for a fit of this study, which was then never
    measured)."""
    space, dataset, path = grid["space"], grid["dataset"], folder / RECORDS_FILE
    if not path.exists():
        return []
    ranks, firsts = _study_ranks(grid), {}
    try:
        lines = folder_file_text(path).splitlines()
    except ValueError as exc:  # bytes that are not UTF-8 too
        reason = "not text" if isinstance(exc, UnicodeDecodeError) else str(exc).removeprefix("it is ")
        raise DataError(f"{path} is {reason}; set the folder aside and run the command again") from None
    records, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            key = _key(record)
        except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: JSON nested past Python's stack
            if number == len(lines):  # the line a kill cut short: measure it again
                continue
            raise DataError(f"{path} line {number} is not a predictor record; set the folder aside and run "
                            "the command again") from None
        odd = _odd_figure(record)
        if odd is not None:
            value = f"is {record[odd]!r}, which no fit measures" if odd in record else "is missing"
            raise DataError(f"{path} line {number} is damaged: its {odd} {value}; set the folder aside and run the "
                            "command again")
        if record.get("space") != space:
            found = f"a record of space {record['space']!r}" if "space" in record else "a record naming no space"
            raise DataError(f"{path} line {number} is {found}, and this study ranks {space!r} cells; remove the line, "
                            "or keep that space's records in a study folder of their own (another --out)")
        if not same_task(space, record.get("dataset"), dataset):
            found = f"of dataset {record['dataset']!r}" if "dataset" in record else "naming no dataset"
            raise DataError(f"{path} line {number} is a record {found}, and this study ranks {space!r} cells on "
                            f"{dataset!r}; remove the line, or keep that dataset's records in a study folder of "
                            "their own (another --out)")
        _check_ranked(path, number, record, (ranks, firsts), f"this study ranks {space!r} cells on {dataset!r}")
        if key not in seen:
            seen.add(key)
            records.append(record)
    return records


def _key(record: Any) -> tuple[str, int, int]:
    """A record's (predictor, train size, seed), as fits write them: int() read a seed of 1.5 or true as seed 1."""
    name, size, seed = record["predictor"], record["train_size"], record["seed"]
    if not (isinstance(name, str) and all(isinstance(v, int) and not isinstance(v, bool) for v in (size, seed))
            and size >= 1 and 0 <= seed < 2**63):
        raise ValueError("not a predictor, train size and seed")
    return name, size, seed


def _study_ranks(grid: dict[str, Any]) -> dict[str, Any]:
    """The metric (``NAME``, or ``NAME:min`` where lower is better, as records write it) and the fidelity the
    study's fits rank, resolved from the grid's (null, or a bare name) as
    :func:`.predictor_evaluation.evaluate_predictors` resolves them (a fidelity of null: the ``ranked_fidelity`` the
    study recorded, see :mod:`.predictor_grid`). One is left out where that needs what a report lacks (the task, for
    a space not registered now; the fidelity, of a study from before it was recorded): the study's first record naming
    it then says it."""
    ranks: dict[str, Any] = {}
    benchmark = _benchmark(grid["space"])
    task = benchmark.find_task(grid["dataset"]) if benchmark is not None else None
    metric, fidelity = grid.get("metric"), grid.get("fidelity")
    if task is not None or (metric is not None and metric.rstrip().endswith((":max", ":min"))):
        ranks["metric"] = _as_written(*ranked_metric(metric, task.metric if task else "", bool(task and task.minimize)))
    if fidelity is not None or (benchmark is not None and benchmark.final_only):
        ranks["fidelity"] = fidelity
    elif RANKED in grid:
        ranks["fidelity"] = grid[RANKED]
    return ranks


def _as_written(metric: str, minimize: bool) -> str:
    """A ranked metric as a record names it (what :func:`.predictor_evaluation.evaluate_predictors` writes)."""
    return f"{metric}:min" if minimize else metric


def _check_ranked(path: Path, number: int, record: dict[str, Any], known: tuple[dict[str, Any], dict[str, int]],
                  study: str) -> None:
    """Refuse a record of another metric or fidelity than the study's (``known``: what it ranks, and the line of
    the record that said it where the grid could not). A record from before records named them is the study's."""
    ranks, firsts = known
    for key in ("metric", "fidelity"):
        if key not in record:
            continue
        value = record[key]
        if key == "metric" and isinstance(value, str):
            with contextlib.suppress(ConfigError):  # NAME:max is NAME; a text no fit writes stays as it is
                value = _as_written(*ranked_metric(value, "", False))
        if key not in ranks:
            ranks[key], firsts[key] = value, number
            continue
        expected = ranks[key]
        if type(value) is not type(expected) or value != expected:
            said = f" (as its line {firsts[key]} says)" if key in firsts else ""
            ranked = (f"by {expected!r}" if key == "metric" else f"at fidelity {expected!r}" if expected is not None
                      else "at no fidelity (a table of final results)")
            raise DataError(f"{path} line {number} is a record of {key} {record[key]!r}, and {study} {ranked}{said}; "
                            f"remove the line, or keep that {key}'s records in a study folder of their own (another "
                            "--out)")


def _benchmark(space: str) -> Any:
    """The benchmark class of ``space``'s table, or None (a space not registered now, or without a table)."""
    return space_benchmark(SEARCH_SPACES.get(space)) if space in SEARCH_SPACES.names_at_hand() else None


def same_task(space: str, found: Any, dataset: str) -> bool:
    """Whether a record's ``found`` dataset is the study's: the same benchmark task of ``space`` by its name or an
    alias in any case (the spellings :func:`.assemble.canonical_dataset` and the benchmark's task lookup accept,
    so a study begun before names were canonical keeps its records); the same name in any case otherwise."""
    if not isinstance(found, str):
        return False
    benchmark = _benchmark(space)

    def task(spelled: str) -> str:
        known = benchmark.find_task(spelled) if benchmark is not None else None
        return known.name if known is not None else spelled.lower()
    return task(found) == task(dataset)


def read_grid(folder: Path, data_dir: str | None = None) -> dict[str, Any]:
    """The grid recorded in ``folder/predictor_study.json``; a damaged one is one line naming it, not a traceback.
    Its ranked fidelity is checked against the table of ``data_dir`` (else the data folders) where that is at hand."""
    path = folder / PREDICTOR_STUDY_FILE
    try:
        grid = json.loads(folder_file_text(path))
        if not isinstance(grid, dict) or not all(isinstance(grid.get(key), str) for key in ("space", "dataset")):
            raise ValueError("no space and dataset in it")
        check_recorded(grid)
        check_held(grid, data_dir)
    except (OSError, ValueError, RecursionError) as exc:  # nested deeper than any study file nasloop writes
        raise DataError(f"{path} is not a readable predictor study file ({type(exc).__name__}: {exc}); run the "
                        "study's 'nasloop compare --predictors' command again with --force-new to set it "
                        "aside") from None
    return grid


def unmeasured(grid: dict[str, Any], records: list[dict[str, Any]], running: bool = False) -> str | None:
    """What the study's commands asked for (``grid["requests"]``) and no record holds, in words: the report of a
    killed study showed what it had measured as if that were all it was asked. ``running``: a command is measuring
    them now (a report read beside it), which the advice to run the command again would start a second time."""
    done = {(r["predictor"], r["train_size"], r["seed"]) for r in records}
    missing: dict[tuple[str, int], set[int]] = {}
    for request in grid.get("requests") or []:
        for name in request["predictors"]:
            for size in request["train_sizes"]:
                for seed in request["seeds"]:
                    if (name, size, seed) not in done:
                        missing.setdefault((name, size), set()).add(seed)
    if not missing:
        return None
    parts = [f"{name} n={size} ({len(seeds)} seed{'s' * (len(seeds) != 1)})" for (name, size), seeds in missing.items()]
    then = ("a 'nasloop compare --predictors' command is measuring them now" if running
            else "the same 'nasloop compare --predictors' command again measures them")
    return f"Not measured yet, of what this study was asked: {first_few(parts, 6)}; {then}."


def _odd_figure(record: dict[str, Any]) -> str | None:
    """The first figure of a record no fit can measure (a tau of 7.5 made the report's mean 2.6 ± 10.5); NaN is
    one it can (a predictor that ranks every cell alike has no tau); one a record lacks is none (the report
    failed on it as an unexpected KeyError: every fit has written all six)."""
    for name, (low, high) in BOUNDS.items():
        value = record.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isnan(value)
                                                                                   or low <= value <= high):
            return name
    return None


def run_predictor_study(folder: Path, grid: dict[str, Any], predictors: Sequence[str], train_sizes: Sequence[int],
                        seeds: Sequence[int], data_dir: str | None,
                        on_result: Callable[[dict], None] | None = None,
                        force_new: bool = False, on_note: Callable[[str], None] | None = None,
                        on_aside: Callable[[str], None] | None = None, plugins: dict[str, Any] | None = None,
                        on_plan: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Measure what ``folder`` does not hold yet; every record of the folder's grid, old and new. ``on_note`` hears
    what :func:`.predictor_evaluation.evaluate_predictors` says of the grid (a predictor pretrained on the space it is
    tested on); ``on_aside`` where ``force_new`` put the old study, which the user would otherwise have to go and
    find (as a search study says it). ``plugins``: what the grid file keeps of the command's plugins
    (:func:`.study_plugins.plugin_record`), beside the grid, not in it: a study continued with one more plugin is the
    same study. ``on_plan`` hears how many fits it measures (a progress bar's total), stored requests' seeds too.

    ``grid["predictor_options"]`` go to every predictor, so a new predictor can join the study, except those
    written ``NAME.KEY``, which go to predictor NAME only.
    The folder is written only once the first record exists: a request refused before any fit
    leaves nothing behind. ``force_new`` sets a study of another grid aside (renamed, not deleted),
    then too: a refused request leaves the old study where it was.
    """
    grid_path = folder / PREDICTOR_STUDY_FILE
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--out {folder} is a file; choose a folder for the study")
    refuse_inside_study(folder)
    other = next((name for name in (DB_NAME, STUDY_FILE) if (folder / name).exists()), None)
    if other is not None:  # its report.md was overwritten by this one, and 'compare' and 'report' read it no more
        raise ConfigError(f"--out {folder} holds {'a run' if other == DB_NAME else 'a search study'} ({other}); "
                          "choose another folder for the predictor study")
    digests = pretrained_digests(grid["predictor_options"])
    grid = {**grid, "pretrained_files": digests} if digests else grid
    with contextlib.ExitStack() as held:  # a second compare on the study measured every fit again, writing twice
        # a new study is locked before its first fit, and its folder removed again if it comes to no record
        held.enter_context(StudyLock(folder) if grid_path.exists() else new_study_lock(folder, grid_path.exists))
        return _run_locked(folder, grid, predictors, train_sizes, seeds, data_dir, on_result, force_new, on_note,
                           held, on_aside, plugins or {}, on_plan)


def _run_locked(folder: Path, grid: dict[str, Any], predictors: Sequence[str], train_sizes: Sequence[int],
                seeds: Sequence[int], data_dir: str | None, on_result: Callable[[dict], None] | None,
                force_new: bool, on_note: Callable[[str], None] | None, held: contextlib.ExitStack,
                on_aside: Callable[[str], None] | None, plugins: dict[str, Any],
                on_plan: Callable[[int], None] | None) -> list[dict[str, Any]]:
    """:func:`run_predictor_study` once its folder is locked: an existing study's, or a new one's, made for the
    lock; one set aside by ``force_new`` is locked anew (in ``held``) as its folder is made again."""
    grid_path = folder / PREDICTOR_STUDY_FILE
    digests = grid.get("pretrained_files") or {}
    replace = older = False  # set the old study aside once the new request has passed its checks; or record files
    stored, kind = None, "of another grid"  # what the study set aside is, in the note
    if grid_path.exists():
        try:
            stored = read_grid(folder, data_dir)
        except DataError:
            if not force_new:
                raise
            replace, kind = True, "that is not readable"  # damaged: --force-new sets it aside with the first fit
    if stored is not None:
        if canonical_dataset(grid["space"], str(stored.get("dataset"))) == grid["dataset"]:
            grid = {**grid, "dataset": stored["dataset"]}  # begun before names were canonical: keep its own
        older = bool(digests) and "pretrained_files" not in stored  # from before files were recorded: record them now
        moved = same_but_moved_files(stored.get("predictor_options"), grid["predictor_options"],
                            stored.get("pretrained_files") or {}, digests)  # named from another folder
        differ = [key for key, value in grid.items() if stored.get(key) != value
                  and not (older and key == "pretrained_files")
                  and not (moved and key in ("predictor_options", "pretrained_files"))]
        if differ and not force_new:
            key = differ[0]
            if key == "pretrained_files":
                check_pretrained_files(folder, stored.get(key) or {}, digests)
            raise ConfigError(f"{folder} holds a predictor study with {key} = {stored.get(key)!r}, not "
                              f"{grid[key]!r}; use another --out, or --force-new to set the old study aside")
        replace = bool(differ)
    ranked = ranked_fidelity(grid, None if replace else stored, data_dir)  # what the records are checked against
    data = data_record(grid, ranked, data_dir)  # the folder and the values the fits rank now, beside the grid
    if stored is not None and not replace and not same_data(folder, stored, data, force_new):
        replace, kind = True, "on other data"
        ranked = ranked_fidelity(grid, None, data_dir)
        data = data_record(grid, ranked, data_dir)
    # what its space and predictors resolved when the study measured them: a fit after a default changed is theirs
    resolved = ResolvedOptions(None if stored is None or replace else stored.get(RESOLVED_KEY), on_note)
    records = [] if replace else read_records(folder, {**grid, **ranked})
    done = {(r["predictor"], r["train_size"], r["seed"]) for r in records}
    logs: list[Any] = []  # the records file, opened with the first record
    kept = stored if stored is not None and not (replace or older) else grid  # the grid file as it is to be
    requests = [] if stored is None or replace else list(stored.get("requests") or [])
    request = {"predictors": list(predictors), "train_sizes": [int(n) for n in train_sizes],
               "seeds": asked_seeds(requests, predictors, train_sizes, seeds)}  # a stored request's, under fewer
    asked = requests if request in requests else [*requests, request]

    def keep(record: dict[str, Any]) -> None:
        if not logs:
            if replace:
                moved = set_aside(folder)
                if on_aside is not None:
                    on_aside(f"the predictor study {kind} in {folder} is set aside as {moved} (nothing deleted)")
            folder.mkdir(parents=True, exist_ok=True)
            if replace:  # the study set aside keeps its lock; this folder is new, a kill's leftover to remove
                held.enter_context(StudyLock(folder, made=True))
            # the requests: what a report finds unmeasured; the ranked fidelity: what its records are checked against
            now = {**data, **({RESOLVED_KEY: resolved.kept()} if resolved.kept() or RESOLVED_KEY in kept else {})}
            if not grid_path.exists() or older or asked != requests or (ranked and RANKED not in kept) or any(
                    kept.get(key) != value for key, value in {**plugins, **now}.items()):
                # whole or not at all: a kill while writing it damaged the study; a Ctrl-C leaves no part file
                with replaced(grid_path, grid_path.with_name(PREDICTOR_STUDY_FILE + ".part")) as partial:
                    partial.write_text(json.dumps({**kept, **ranked, "requests": asked, **plugins, **now}, indent=1))
            logs.append(open(folder / RECORDS_FILE, "a"))
        logs[0].write(json.dumps(record) + "\n")
        logs[0].flush()
        os.fsync(logs[0].fileno())  # a measured fit is never lost to a kill
        records.append(record)
        if on_result is not None:
            on_result(record)

    if on_plan is not None:  # the fits evaluate_predictors does not skip
        on_plan(len({(p, int(n), seed) for p in predictors for n in train_sizes for seed in request["seeds"]} - done))
    try:  # a study's stored options continue as its runs resume, past a bound added since it began
        with stored_options() if stored is not None and not replace else contextlib.nullcontext():
            evaluate_predictors(list(predictors), list(train_sizes), request["seeds"], space=grid["space"],
                                dataset=grid["dataset"], data_dir=data_dir, metric=grid["metric"],
                                fidelity=grid["fidelity"] if grid["fidelity"] is not None else ranked.get(RANKED),
                                predictor_options=options_per_predictor(list(predictors), grid["predictor_options"],
                                                                        waiting=True),
                                space_options=grid["space_options"], on_result=keep, skip=done, on_note=on_note,
                                resolved=resolved)
    finally:
        for log in logs:
            log.close()
    return records


def summary_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean and 95 % t interval of every metric per (predictor, train size) (a :class:`.study_stats.Spread`), in
    first-seen order, and the test sizes its records hold (one where the seeds ranked the same cells)."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault((record["predictor"], record["train_size"]), []).append(record)
    rows = []
    order = list(dict.fromkeys(r["predictor"] for r in records))
    for (name, size), group in sorted(groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        # a seed whose fit ranked every cell alike has no tau: left out of the mean, and counted apart
        ranked = sum(math.isfinite(r["kendall_tau"]) for r in group)
        row: dict[str, Any] = {"predictor": name, "train_size": size, "seeds": len(group), "ranked": ranked,
                               "test_sizes": sorted({r["test_size"] for r in group if _count(r.get("test_size"))})}
        for metric in METRICS:
            row[metric] = spread([r[metric] for r in group])
        rows.append(row)
    return rows


def _count(value: Any) -> bool:
    """Whether ``value`` is a count of cells as a fit records it (a record from before it held one has none)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def tau_figure(rows: list[dict[str, Any]], folder: Path) -> list[Path]:
    """Kendall tau against training-set size (log x), mean and 95 % band per predictor."""
    from ..engine.plots import legend, pyplot, save_figure, styles

    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    handles = []
    names = list(dict.fromkeys(r["predictor"] for r in rows))
    looks = styles(names)
    for name in names:
        mine = sorted((r for r in rows if r["predictor"] == name), key=lambda r: r["train_size"])
        sizes = [r["train_size"] for r in mine]
        mean, low, high = (np.array([r["kendall_tau"][i] for r in mine]) for i in range(3))
        look = looks[name]
        handles += axes.plot(sizes, mean, label=name, color=look["color"], linestyle=look["linestyle"],
                             marker=look["marker"])
        if np.isfinite(high).any():
            axes.fill_between(sizes, low, high, color=look["color"], alpha=0.15, linewidth=0)
    axes.set_xscale("log")
    sizes = sorted({r["train_size"] for r in rows})  # ticked where measured, as written: a log axis ticked 2x10^1,
    axes.set_xticks(sizes, [f"{size:,}" for size in sizes])  # 3x10^1... between them and neither 16 nor 64
    axes.minorticks_off()
    axes.set_xlabel("training cells")
    axes.set_ylabel("Kendall tau on the other cells")
    axes.grid(alpha=0.3)
    legend(axes, handles)  # a plugin predictor named '_x' was left out of a plain one
    return save_figure(figure, folder, "predictor_tau")
