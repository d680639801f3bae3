"""The Python API: start, resume and summarise searches. The CLI is a thin layer over this."""
from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from ..search_spaces.base import SearchSpace
from ..strategies.base import Strategy
from .config import SearchConfig, refuse_resume_arguments
from .key_code import KEY_CODE, key_code
from .errors import ConfigError, DataError, NasloopError, as_paths, checked_folder
from .evaluators.base import Evaluator
from .executors.base import Executor, closed_on_error, forget_sigterm
from .guided import predictor_of
from .hooks import HeldNotes, check_hooks
from .loop import Budget, ProgressHook, SearchLoop
from .option_bounds import stored_options
from .options import PositiveFloat, PositiveInt, check_value, plain
from .plugin_crash import plugin_crashes_named
from .plugin_trust import SIGNATURE_KEY, signature_meta, trusted, untrusted
from .plugins import named_plugins_loaded, plugins_to_record, relocated_plugins
from .predictor_options import older_feature_lists
from .resolved_options import ResolvedOptions
from .resume_conditions import changed_conditions_note, recorded_conditions
from .resume_trials import locked_run
from .run_checks import (check_budget, check_new_run, check_resumed_objectives, check_same_results,
                         check_same_tensorboard, check_seconds_budget, note_exact_functional_hash,
                         note_random_start, note_unsaved_state, stored_config)
from .idle_resume import budget_hint, ended_by_the_other_limit, idle_meta, nothing_to_do, run_executor
from .run_folders import claim_default_run_dir, default_run_dir, make_folder, refuse_study_folder, started_in
from .run_lock import NewRunLock, holds_a_run, is_being_searched
from .run_held_out import keep_held_out, with_held_out
from .run_parts import build_parts, build_plugins, with_dataset
from .state_loading import load_run_state
from .export import finite_or_none
from .file_limits import limit_named_to_the_caller
from .objectives import Objective
from .pareto_summary import checked_objectives, pareto_summary, rank_key
from .store import DB_NAME, RunStore, Trial
from .store_deleted import written_back_if_deleted
from .store_empty import discard_empty, holds_no_run
from .store_open import opened
from .stop_reasons import continue_hint
from .stop_record import record_stop_before_start, search_and_record
from .store_rows import DUPLICATE, RESOLVED_KEY, RESTORE
from .study_target import refuse_empty_reference_point
from .user_dirs import expand_user
from .tensorboard_log import TensorBoardLog, refuse_odd_diagnostics
from .user_files import MOVED_FIX, check_pretrained_files, pretrained_digests, pretrained_names, repoint_pretrained
from .wall_clock import wall_clock
from .heartbeat import HEARTBEAT_KEY

__all__ = ["search", "resume", "summarize", "default_run_dir", "build_plugins", "build_parts", "check_new_run"]


Note = Callable[[str], None]


def run_objectives(config: SearchConfig, evaluator: Evaluator) -> tuple[Objective, ...]:
    """The objectives a run optimises: the configured ones, else the evaluator's default."""
    return config.objective_list() or (Objective(evaluator.objective, evaluator.minimize),)


def _run(config: SearchConfig, store: RunStore, on_progress: ProgressHook | None,
         plugins: tuple[SearchSpace, Strategy, Evaluator, Executor | None], new_meta: dict[str, Any] | None = None,
         notes: HeldNotes | None = None, trials: list[Trial] | None = None) -> dict[str, Any]:
    """Run the loop against ``store``; ``plugins`` when the caller already built them from ``config``.

    A resumed run's ``new_meta`` (its configuration with a larger budget, a moved pretrained file's new
    place) is written only once its saved state has loaded: a run refused there (its pretrained file changed)
    is left exactly as it was. A resume with nothing to do (:mod:`.idle_resume`) has no executor (None) and runs
    no loop: its state is loaded, as a check, and it writes only ``new_meta``. ``notes`` held until then are said
    once the state has loaded (a refusal there comes alone), and then what the loop says as it goes (a long streak
    of repeats). ``trials``: the store's, where a resume has just read them (:mod:`.resume_trials`), not read again.

    A run whose every evaluation failed, or that stopped on an error of the user's, is stored as
    ``failed`` with the reason: a broken device or table must not look like a finished search.
    """
    space, strategy, evaluator, executor = plugins  # the caller closes the executor if this raises
    if executor is None:
        load_run_state(space, strategy, store)
        _state_loaded(store, new_meta or {}, notes)  # and nothing more: every file of the run stays as it was
        return with_held_out(summarize(store), store, (space, evaluator.context))  # as 'show' gives it
    objectives = run_objectives(config, evaluator)
    log = (TensorBoardLog(config.path(config.tensorboard), strategy, objectives, config.reference_point,
                          earlier=[t.result for t in (store.evaluations() if trials is None else trials)
                                   if t.result is not None and t.state != DUPLICATE])
           if config.tensorboard else None)
    loop = SearchLoop(space, strategy, evaluator, executor, store, Budget(config.budget, config.max_seconds),
                      objectives=objectives, fidelity=config.fidelity, dedup=config.dedup,
                      on_progress=on_progress, on_result=log, on_note=None if notes is None else notes.hook,
                      trials=trials)
    loop.load_strategy_state()
    running = {"objective": loop.objective, "minimize": loop.minimize, "objectives": [str(o) for o in objectives],
               "status": "running", "stop_reason": None}  # a resumed run's old stop reason no longer describes it
    _state_loaded(store, {**(new_meta or {}), **running}, notes)
    with written_back_if_deleted(store), wall_clock(store):
        search_and_record(loop, store, config, log)
    executor.close()  # once the run's status is stored: a user's executor failing here is reported, and the
    summary = with_held_out(summarize(store), store, (space, evaluator.context))  # finished run stays finished; its
    # held-out values as 'show' gives them, kept for a study's report, with their table's identity (run_held_out)
    keep_held_out(summary, store, evaluator.context)
    return summary


def _state_loaded(store: RunStore, meta: dict[str, Any], notes: HeldNotes | None) -> None:
    """What a run does once its state has loaded, a resume with nothing to do too: say the held ``notes``, write
    ``meta`` and forget a SIGTERM the command caught before."""
    if notes is not None:
        notes.release()
    for key, value in meta.items():
        store.set_meta(key, value)
    forget_sigterm()


@plugin_crashes_named()  # a user's plugin raising as the run is set up, as the loop names it (.plugin_crash)
@limit_named_to_the_caller()  # a store's 'disk I/O error' past 'ulimit -f', as the command names it
def search(config: SearchConfig, on_progress: ProgressHook | None = None,
           on_run_dir: Callable[[str], None] | None = None, on_note: Note | None = None) -> dict[str, Any]:
    """Run a new search; every evaluation lands in ``<run_dir>/nasloop.sqlite`` as it completes.

    The run directory is locked for the whole search (see :mod:`.run_lock`). Without one, the search claims a
    default folder once its configuration has passed every check; ``on_run_dir`` hears which, and ``on_note``
    (first, once every check passed) what passed but may not work as expected (a seconds budget over lookups that
    cost nothing, a predictor that builds networks to rank).
    """
    check_hooks("search", on_progress=on_progress, on_run_dir=on_run_dir, on_note=on_note)
    config = with_dataset(config, new=True)
    chosen = bool(config.run_dir)
    run_dir = Path(config.path(config.run_dir)) if config.run_dir else default_run_dir(config)
    if (run_dir / DB_NAME).exists() and not holds_no_run(run_dir / DB_NAME):  # an empty one is replaced (store_empty)
        raise holds_a_run(run_dir)
    refuse_study_folder(run_dir)
    config = config.replace(run_dir=str(run_dir), workdir=os.path.abspath(config.workdir or os.getcwd()))
    notes, resolved = HeldNotes(on_note), ResolvedOptions()
    with (config.data_dir_named(),
          closed_on_error((plugins := build_plugins(config, notes.hook, options=resolved))[3])):
        check_new_run(config, plugins[:3], notes.hook)  # every bad name, option, data file or folder fails first
        if config.reference_point is not None:  # one no cell beats, or that overflows: bo's acquisition was flat
            refuse_empty_reference_point(config)
        if config.tensorboard:  # a log folder that cannot be written would stop the run after its folder exists
            refuse_odd_diagnostics(plugins[1])  # as would a strategy's diagnostics that TensorBoard cannot plot
            make_folder(Path(config.path(config.tensorboard)), "--tensorboard", "TensorBoard log")
        if chosen:
            make_folder(run_dir, "--run-dir", "run")
        elif (claimed := claim_default_run_dir(config)) != run_dir:  # another search took the name meanwhile;
            run_dir, config = claimed, config.replace(run_dir=str(claimed))  # a trainer keeps checkpoints in it
            plugins[3].close()
            plugins = build_plugins(config, notes.hook, options=resolved)  # its notes are the first build's
    with closed_on_error(plugins[3]):  # a hook that raises closes the executor too
        notes.release()
        if on_run_dir is not None:
            on_run_dir(str(run_dir))
    with closed_on_error(plugins[3]), NewRunLock(run_dir):
        discard_empty(run_dir / DB_NAME)
        if (run_dir / DB_NAME).exists():  # another search created it while this one was starting
            raise holds_a_run(run_dir)
        meta = {"config": config.to_dict(), "created_at": time.time(),
                "data_identity": plugins[2].data_identity(), RESOLVED_KEY: resolved.record(),  # see .resolved_options
                "pretrained_files": pretrained_digests(config.predictor_options, config.workdir),
                KEY_CODE: key_code(plugins[0], config.dedup)}  # what a resume reads the stored keys by (.key_code)
        meta.update(signature_meta(meta["config"]))  # lets a resume import its plugins unasked (.plugin_trust)
        try:
            with RunStore.in_run_dir(run_dir, create=True, meta=meta) as store:
                return note_random_start(_run(config, store, on_progress, plugins, notes=notes), config, on_note)
        except (KeyboardInterrupt, SystemExit, Exception) as exc:  # before the loop's own handler, a new run's
            if not isinstance(exc, NasloopError):  # store had no status yet (a refusal leaves it as it was)
                record_stop_before_start(run_dir, config, exc)
            raise


@plugin_crashes_named()
@limit_named_to_the_caller()
def resume(run_dir: str | Path, budget: int | None = None, max_seconds: float | None = None,
           executor_options: dict[str, Any] | None = None, on_progress: ProgressHook | None = None,
           on_note: Note | None = None, pretrained_files: Sequence[str] = (),
           data_dir: str | Path | None = None, executor: str | None = None, plugins: Sequence[str] = (),
           tensorboard: str | Path | None = None, **unknown: Any) -> dict[str, Any]:
    """Continue an interrupted (or finished) run, optionally with a larger budget.

    ``executor_options`` update where trials run (more workers, another Ray cluster), and ``executor`` replaces
    the run's executor (with ``executor_options`` as its only options: a run whose Ray kept failing continues
    in-process); they do not change what the search computes, so a run may move between machines. So may its
    pretrained files: ``pretrained_files`` name where files the run started from are now (each must hold the same
    bytes), and its benchmark data: ``data_dir`` is where the data folder it was started with is now (kept as an
    absolute path, since the run reads relative ones from the folder it was started in). ``plugins`` (files read
    from the current folder, or module names) are loaded and recorded with the run, for later resumes too; a run
    whose recorded plugins this user did not sign loads only these (see :mod:`.plugin_trust`).
    ``tensorboard`` may name the folder the run logs to (as ``--tensorboard`` on ``--resume``); another is refused.
    A second process resuming the same run at the same time is refused (see :mod:`.run_lock`).
    """
    refuse_resume_arguments(unknown, resume)
    # '~/runs/api', as search(SearchConfig(run_dir=...)) reads it: it was "no nasloop run at ~/runs/api"; '' is refused
    # below as no folder, not read as Path('')'s '.'
    if isinstance(run_dir, (str, os.PathLike)) and os.fspath(run_dir):
        run_dir = str(expand_user(run_dir))
    check_hooks("resume", on_progress=on_progress, on_note=on_note)
    check_value("budget", budget, PositiveInt | None)  # as SearchConfig checks them: "8" failed in comparing
    check_value("max_seconds", max_seconds, PositiveFloat | None)
    check_value("executor_options", executor_options, dict[str, Any] | None)  # a list was Python's TypeError
    budget, max_seconds = plain(budget), plain(max_seconds)
    data_dir = checked_folder("data_dir", data_dir)  # '' was the current folder, where --data-dir '' is refused
    plugins, pretrained_files = (as_paths("plugins", plugins, "plugin files or modules"),
                                 as_paths("pretrained_files", pretrained_files, "files"))
    with locked_run(run_dir) as (store, trials):  # a foreign or damaged store refused before anything is written
        saved = store.get_meta("config")
        if not isinstance(saved, dict):
            raise DataError(f"{run_dir} has a store but no configuration; it was not written by 'nasloop search'")
        stored = stored_config(saved, store)
        config = stored.replace(run_dir=str(run_dir), workdir=started_in(stored, run_dir))
        # not this user's list, or read from another folder than the one signed: only the plugins given load
        if not trusted(saved, store.get_meta(SIGNATURE_KEY), config.workdir):
            if not plugins:
                raise untrusted(run_dir, stored.plugins)
            stored, config = stored.replace(plugins=[]), config.replace(plugins=[])
        if tensorboard is not None:
            check_same_tensorboard(run_dir, stored, tensorboard, "tensorboard")
        relocated = relocated_plugins(config.plugins, plugins, config.workdir, str(run_dir))
        counts = store.counts()
        done, spent = int(counts["evaluations"]), float(counts["cost"])
        if budget is not None and budget < done:  # it would read 'finished: budget spent', 25 of 10
            raise ConfigError(f"--budget {budget} is below the {done} evaluations {run_dir} has done; give a larger "
                              f"budget to continue it, or read it with 'nasloop show {run_dir}'")
        if max_seconds is not None and max_seconds <= spent:  # it was kept, and every later --budget did nothing
            raise ConfigError(f"--max-seconds {max_seconds:g} is within the {spent:,.1f} s the evaluations of "
                              f"{run_dir} have cost; give more to continue it, or read it with 'nasloop show "
                              f"{run_dir}'")
        if ended_by_the_other_limit(stored, budget, max_seconds, done, int(counts["pending"]), spent):
            budget = max_seconds = None  # a budget the run never had is not stored
        recorded, new_meta = store.get_meta("pretrained_files"), {}  # path -> sha256 (checked as it opened)
        named = pretrained_names(stored.predictor_options)
        if pretrained_files and recorded is None and named:
            raise ConfigError(f"{run_dir} was started before nasloop recorded its pretrained files' contents, so a "
                              f"file's new place cannot be checked; put the file back at {named[0]}")
        if pretrained_files:
            options, recorded = repoint_pretrained(stored.predictor_options, recorded or {}, pretrained_files,
                                                   run_dir, config.workdir)
            stored, config = stored.replace(predictor_options=options), config.replace(predictor_options=options)
            new_meta["pretrained_files"] = recorded
        if recorded is not None:  # runs from before files were recorded rely on the predictor's own check
            check_pretrained_files(run_dir, recorded, pretrained_digests(config.predictor_options, config.workdir),
                                   fix=MOVED_FIX, base=config.workdir)
        moved_data = None if data_dir is None else os.path.abspath(expand_user(data_dir))  # '~/data' as search
        changes = {k: v for k, v in (("budget", budget), ("max_seconds", max_seconds), ("data_dir", moved_data))
                   if v is not None}
        added = plugins_to_record(relocated, plugins, config.workdir)
        if added or relocated != config.plugins:
            changes["plugins"] = [*relocated, *added]
        if executor is not None and executor != config.executor:  # the old executor's options are not the new one's
            changes.update(executor=executor, executor_options=dict(executor_options or {}))
        elif executor_options:
            changes["executor_options"] = {**config.executor_options, **executor_options}
        config = config.replace(**changes, predictor_options=older_feature_lists(config.predictor_options))
        if stored.dataset is None and with_dataset(config).dataset is not None:  # edited: it would read the default
            named_plugins_loaded(config.space, config.evaluator, config.strategy, config.predictor)
            raise DataError(f"{store.path} is damaged: its run configuration has no 'dataset'; {RESTORE}")
        notes = HeldNotes(on_note)
        with stored_options():  # a count past a bound added since the run began is the value it ran with
            parts = build_parts(config, notes.hook, resumed=True,  # its executor built only if the run goes on
                                options=ResolvedOptions(store.get_meta(RESOLVED_KEY), notes.hook))
        if done > int(counts["pending"]):
            check_same_results(str(run_dir), store, parts[0], parts[2])
        else:  # no result yet, none to mix with: the data may change (an unreadable image deleted, as its error
            new_meta["data_identity"] = parts[2].data_identity()  # said, was refused as other data)
        check_resumed_objectives(str(run_dir), config, parts[2], notes.hook)
        check_budget(budget, parts[0], config.space, config.dedup)
        check_seconds_budget(config, parts[2], notes.hook)
        note_unsaved_state(parts[1], notes.hook)
        note_exact_functional_hash(config, parts[0], notes.hook)
        idle_note = nothing_to_do(stored, store, budget, max_seconds, counts, parts[0])  # left as it was
        if idle_note:  # said once the state loads, alone (the others speak of a run going on); nor is a budget it
            notes.instead(idle_note)  # cannot spend stored (a space evaluated whole)
            changes = {k: v for k, v in changes.items() if k not in ("budget", "max_seconds")}
            new_meta.update(idle_meta(store))  # a failed run's reason as the loop would store it
        if changes or pretrained_files:  # the stored run_dir and workdir stay as the run began: they locate
            new_meta["config"] = stored.replace(**changes).to_dict()  # its project next time
            new_meta.update(signature_meta(new_meta["config"]))  # trusted or given again: signed anew
        conditions = recorded_conditions(store, parts[2])
        if idle_note:
            summary = _run(config, store, on_progress, (*parts, None), new_meta, notes)
        else:
            built = run_executor(config)  # for a run going on only
            with closed_on_error(built):
                summary = _run(config, store, on_progress, (*parts, built), new_meta, notes, trials)
        changed = changed_conditions_note(conditions, recorded_conditions(store, parts[2]))
    done -= int(counts["pending"])
    if changed and on_note is not None:
        on_note(changed)
    if not idle_note and on_note is not None and summary["status"] == "finished" and summary["evaluations"] == done:
        limits = summary["budget"]  # (a streak of repeats, or an interrupted run whose budget was spent)
        on_note(f"the resume of {summary['run_dir']} evaluated nothing new: {summary['stop_reason']}" + budget_hint(
            limits["queries"], limits["seconds"], limits["queries_used"], limits["seconds_used"], "continue it"))
    return note_random_start(summary, config, on_note, done)


def summarize(store_or_dir: RunStore | str | Path) -> dict[str, Any]:
    """One JSON-compatible record of a run: counts, budget, best architecture and its metrics."""
    with opened(store_or_dir, "summarize") as store:
        config = store.get_meta("config")
        if not isinstance(config, dict):
            raise DataError(f"{store.path} has no valid run configuration; it was not written by 'nasloop search' "
                            "or is damaged")
        wall = store.get_meta("wall_seconds") or 0.0  # a number: checked as the store opened
        beat, killed = store.get_meta(HEARTBEAT_KEY), None  # a session's, later than its last state saved
        wall = max(wall, beat["wall_seconds"]) if beat else wall
        counts = store.counts()
        # every row is read, not just the best: a damaged row is reported here, never shown as fine
        evaluations = store.evaluations()
        objectives = checked_objectives(store, evaluations)
        done = [t for t in evaluations if t.score is not None and not math.isnan(t.score)]
        best = max(done, key=lambda t: rank_key(t, objectives), default=None)
        status, reason = store.get_meta("status"), store.get_meta("stop_reason")
        if status in (None, "running"):  # None: a search in its first instants, or one a full disk stopped
            if is_being_searched(store.path.parent):
                status = "running"
            else:  # its process was killed
                status, reason = "stopped", f"no process is searching it; {continue_hint(store.path.parent)}"
                killed = beat and {"last_beat_at": beat["at"], "trials": [t.id for t in evaluations
                                                                          if t.state == "pending"]}
        if not isinstance(status, str) or not (reason is None or isinstance(reason, str)):
            raise DataError(f"{store.path} is damaged: meta 'status' is {status!r} and 'stop_reason' {reason!r}; "
                            f"{RESTORE}")
        return finite_or_none({
            "run_dir": str(store.path.parent),
            "status": status,
            "stop_reason": reason,
            "space": config.get("space"), "dataset": config.get("dataset"), "strategy": config.get("strategy"),
            "predictor": predictor_of(config.get("strategy"), config.get("predictor")), "seed": config.get("seed"),
            "evaluator": config.get("evaluator") or SearchConfig.evaluator,  # two runs differing only here were
            "executor": config.get("executor") or SearchConfig.executor,  # shown alike
            "fidelity": config.get("fidelity"), "dedup": config.get("dedup", "exact"),
            "options": {kind: config[f"{kind}_options"]
                        for kind in ("space", "strategy", "predictor", "evaluator", "executor")
                        if config.get(f"{kind}_options")},  # what else made the run (a pretrained file's path)
            "objective": store.get_meta("objective") or config.get("objective") or "val_accuracy",
            "minimize": bool(store.get_meta("minimize")),
            "evaluations": int(counts["evaluations"]),
            "duplicates_answered": int(counts["duplicates"]),
            "failed": int(counts["failed"]),
            "pending": int(counts["pending"]),
            "budget": {"queries": config.get("budget"), "seconds": config.get("max_seconds"),
                       "queries_used": int(counts["evaluations"]), "seconds_used": round(counts["cost"], 3),
                       "evaluations_cost_estimated": int(counts["estimated"])},
            "wall_seconds": round(wall, 3), "killed": killed,  # killed: the wall time is a lower bound
            "best": None if best is None else {"arch": best.arch, "trial": best.id, "score": best.score,
                                               "metrics": dict(best.result.metrics)},
            **pareto_summary(store, config),
        })
