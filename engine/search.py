"""The Python API: start, resume and summarise searches. The CLI is a thin layer over this."""
from __future__ import annotations

import dataclasses
import math
import os
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from ..search_spaces.base import SearchSpace
from ..strategies.base import Strategy
from .assemble import build_space, require_capabilities, run_dataset, table_context
from .config import SearchConfig, construct, refuse_resume_arguments, route_options
from .errors import ConfigError, DataError, NasloopError, as_paths, checked_folder
from .evaluators.base import Evaluator
from .executors.base import Executor, closed_on_error, forget_sigterm
from .guided import guided_strategies, predictor_of
from .hooks import HeldNotes, check_hooks
from .loop import Budget, ProgressHook, SearchLoop
from .option_bounds import stored_options
from .options import PositiveFloat, PositiveInt, check_value, plain, takes
from .plugin_trust import SIGNATURE_KEY, signature_meta, trusted, untrusted
from .plugins import load_plugins, named_plugins_loaded, plugins_to_record, relocated_plugins
from .predictor_options import older_feature_lists, options_per_predictor
from .registry import EVALUATORS, PREDICTORS, SEARCH_SPACES, STRATEGIES
from .resume_conditions import changed_conditions_note, recorded_conditions
from .run_checks import (check_budget, check_evaluator, check_new_run, check_resumed_objectives, check_same_results,
                         check_same_tensorboard, check_seconds_budget, note_exact_functional_hash,
                         note_random_start, note_unsaved_state, random_start, stored_config)
from .predictor_trial import note_unsaved_predictor_state, tried_predictor
from .idle_resume import budget_hint, ended_by_the_other_limit, idle_meta, nothing_to_do, run_executor
from .run_folders import claim_default_run_dir, default_run_dir, make_folder, refuse_study_folder, started_in
from .run_lock import NewRunLock, RunLock, holds_a_run, is_being_searched
from .export import finite_or_none
from .objectives import Objective, oriented_point
from .pareto_summary import checked_objectives, pareto_summary
from .store import DB_NAME, RunStore
from .store_open import opened
from .stop_reasons import continue_hint
from .stop_record import record_stop_before_start, search_and_record
from .store_rows import RESTORE
from .study_target import refuse_empty_reference_point
from .tensorboard_log import TensorBoardLog, refuse_odd_diagnostics
from .user_files import check_pretrained_files, pretrained_digests, pretrained_names, repoint_pretrained
from .wall_clock import wall_clock

__all__ = ["search", "resume", "summarize", "default_run_dir", "build_plugins", "check_new_run"]


Note = Callable[[str], None]


def with_dataset(config: SearchConfig, new: bool = False) -> SearchConfig:
    """``config`` with its dataset named as its benchmark names it: the benchmark's first task when none was given,
    read once the configuration's plugins are loaded (a plugin space's benchmark has tasks of its own); None for a
    run that reads no dataset (a ``new`` one naming one is refused: see :func:`run_dataset`)."""
    if not isinstance(config, SearchConfig):  # search({"space": ...}) failed on a missing attribute
        raise ConfigError(f"search takes a SearchConfig, not a {type(config).__name__}; build one with "
                          "SearchConfig(space=...) or SearchConfig.from_mapping(mapping)")
    config.check_data_dir()
    load_plugins(config.plugins, config.workdir)
    guide = (config.strategy, config.strategy_options, config.predictor, config.predictor_options)
    return config.replace(dataset=run_dataset(config.space, config.evaluator, config.dataset, new, [guide]))


def build_plugins(config: SearchConfig, on_note: Note | None = None, resumed: bool = False,
                  start_executor: bool = True) -> tuple[SearchSpace, Strategy, Evaluator, Executor]:
    """Construct the configured plugins; every bad name, option or missing capability fails here, in one line.
    ``on_note`` hears of slow work the user may not expect (a predictor that builds networks to rank);
    ``resumed``: the configuration is a stored run's (see :attr:`RunContext.resumed`); ``start_executor``:
    :func:`.idle_resume.run_executor`'s ``start``."""
    config = with_dataset(config)  # loads the plugins
    space_factory = SEARCH_SPACES.get(config.space)
    evaluator_factory = EVALUATORS.get(config.evaluator)
    evaluator_options, moved = route_options(config.evaluator_options, evaluator_factory, space_factory)
    twice = sorted(set(moved) & set(config.space_options))
    if twice:  # one value is used (the space's), so the other would be dropped unseen
        raise ConfigError(f"{twice[0]} is given by both --evaluator-opt and --space-opt; give it once, with "
                          "--space-opt (the network's size is the search space's option)")
    context = table_context(space_factory, config.dataset, config.data_dir and config.path(config.data_dir),
                            config.run_dir, config.workdir, evaluator_factory.uses_benchmark)
    objectives = config.objective_list() or ()
    context = dataclasses.replace(context, resumed=resumed, on_note=on_note, fidelity=config.fidelity,
                                  objectives=objectives)
    space = build_space(config.space, context, **{**moved, **config.space_options})
    strategy_factory = STRATEGIES.get(config.strategy)
    require_capabilities(space, "strategy", config.strategy, strategy_factory, STRATEGIES, context)
    if config.num_objectives > 1 and not strategy_factory.multi_objective:
        able = [n for n in STRATEGIES.names() if STRATEGIES.get(n).multi_objective]
        raise ConfigError(f"strategy '{config.strategy}' optimises one objective and --objectives names "
                          f"{config.num_objectives}; use one of {', '.join(able)}, or a single --objective")
    reference = None if config.reference_point is None else oriented_point(objectives, config.reference_point)
    wiring: dict[str, Any] = {"context": context, "seed": config.seed, "num_objectives": config.num_objectives,
                              "reference_point": reference, "objective_names": [str(o) for o in objectives],
                              "on_note": on_note}
    if takes(strategy_factory, "predictor"):
        name = config.predictor or strategy_factory.default_predictor
        if name is None:
            raise ConfigError(f"strategy '{config.strategy}' is predictor-guided and names no default predictor; "
                              f"choose one with --predictor ({', '.join(PREDICTORS.names())})")
        build = lambda: construct("predictor", name, PREDICTORS.get(name), space,  # noqa: E731
                                  wiring={"context": context, "seed": config.seed},
                                  **options_per_predictor([name], config.predictor_options)[name])
        drawn = random_start(strategy_factory, config.strategy_options)
        ranks = config.budget is None or drawn is None or config.budget > drawn  # the budget outlasts the start
        wiring["predictor"] = tried_predictor(name, build, space, ranks, config.seed, count=min(max(drawn or 8, 3), 64))
        if ranks:  # a new run and each resume: a study's runs say it once, as its notes are said
            note_unsaved_predictor_state(name, wiring["predictor"], on_note)
        if wiring["predictor"].builds_networks and on_note is not None and ranks:
            on_note(context.computing_note(space, f"predictor '{name}'", "the candidates it ranks each step",
                                           wiring["predictor"].computed_proxies))
    elif config.predictor is not None or config.predictor_options:
        given = " and ".join(flag for flag, value in (("--predictor", config.predictor),
                                                      ("--predictor-opt", config.predictor_options)) if value)
        raise ConfigError(f"strategy '{config.strategy}' uses no predictor; choose a predictor-guided "
                          f"strategy ({', '.join(guided_strategies())}) or drop {given}")
    try:  # built before the strategy, whose context holds its objective (see RunContext's), refused after it
        require_capabilities(space, "evaluator", config.evaluator, evaluator_factory, EVALUATORS, context)
        evaluator: Evaluator | None = construct("evaluator", config.evaluator, evaluator_factory, space,
                                                wiring={"context": context}, **evaluator_options)
        default = Objective(evaluator.objective, evaluator.minimize)
        wiring["context"] = dataclasses.replace(context, evaluator_objective=default)
    except Exception as exc:  # noqa: BLE001 - a refusal or a plugin's crash, said after the strategy's as before
        evaluator, refusal = None, exc
    strategy = construct("strategy", config.strategy, strategy_factory, space, wiring=wiring,
                         **config.strategy_options)
    if evaluator is None:
        raise refusal
    said = evaluator.start_note()  # once a run (and once a study), where each trial would repeat it
    if said and on_note is not None:
        on_note(said)
    check_evaluator(evaluator, config.fidelity, new_run=False)
    return space, strategy, evaluator, run_executor(config, start_executor)


def run_objectives(config: SearchConfig, evaluator: Evaluator) -> tuple[Objective, ...]:
    """The objectives a run optimises: the configured ones, else the evaluator's default."""
    return config.objective_list() or (Objective(evaluator.objective, evaluator.minimize),)


def _run(config: SearchConfig, store: RunStore, on_progress: ProgressHook | None,
         plugins: tuple[SearchSpace, Strategy, Evaluator, Executor], new_meta: dict[str, Any] | None = None,
         idle: bool = False, notes: HeldNotes | None = None) -> dict[str, Any]:
    """Run the loop against ``store``; ``plugins`` when the caller already built them from ``config``.

    A resumed run's ``new_meta`` (its configuration with a larger budget, a moved pretrained file's new
    place) is written only once its saved state has loaded: a run refused there (its pretrained file changed)
    is left exactly as it was; an ``idle`` one (a resume with nothing to do) writes only ``new_meta``. ``notes``
    held until then are said once the state has loaded (a refusal there comes alone), and then what the loop says as
    it goes (a long streak of repeats).

    A run whose every evaluation failed, or that stopped on an error of the user's, is stored as
    ``failed`` with the reason: a broken device or table must not look like a finished search.
    """
    space, strategy, evaluator, executor = plugins  # the caller closes the executor if this raises
    objectives = run_objectives(config, evaluator)
    log = (TensorBoardLog(config.path(config.tensorboard), strategy, objectives, config.reference_point,
                          earlier=[t.result for t in store.evaluations() if t.result is not None])
           if config.tensorboard and not idle else None)
    loop = SearchLoop(space, strategy, evaluator, executor, store, Budget(config.budget, config.max_seconds),
                      objectives=objectives, fidelity=config.fidelity, dedup=config.dedup,
                      on_progress=on_progress, on_result=log, on_note=None if notes is None else notes.hook)
    loop.load_strategy_state()
    if notes is not None:
        notes.release()
    running = {"objective": loop.objective, "minimize": loop.minimize, "objectives": [str(o) for o in objectives],
               "status": "running", "stop_reason": None}  # a resumed run's old stop reason no longer describes it
    for key, value in {**(new_meta or {}), **({} if idle else running)}.items():
        store.set_meta(key, value)
    forget_sigterm()
    if not idle:  # a resume with nothing to do writes nothing more: every file of the run stays as it was
        with wall_clock(store):
            search_and_record(loop, store, config, log)
    loop.executor.close()  # once the run's status is stored: a user's executor failing here is reported, and the
    return summarize(store)  # finished run stays finished


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
    if (run_dir / DB_NAME).exists():
        raise holds_a_run(run_dir)
    refuse_study_folder(run_dir)
    config = config.replace(run_dir=str(run_dir), workdir=os.path.abspath(config.workdir or os.getcwd()))
    notes = HeldNotes(on_note)
    with closed_on_error((plugins := build_plugins(config, notes.hook))[3]):
        check_new_run(config, plugins, notes.hook)  # every bad name, option, data file or folder fails before a note
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
            plugins = build_plugins(config, notes.hook)  # its notes are the first build's: each is said once
    with closed_on_error(plugins[3]):  # a hook that raises closes the executor too
        notes.release()
        if on_run_dir is not None:
            on_run_dir(str(run_dir))
    with closed_on_error(plugins[3]), NewRunLock(run_dir):
        if (run_dir / DB_NAME).exists():  # another search created it while this one was starting
            raise holds_a_run(run_dir)
        meta = {"config": config.to_dict(), "created_at": time.time(),
                "data_identity": plugins[2].data_identity(),
                "pretrained_files": pretrained_digests(config.predictor_options, config.workdir)}
        meta.update(signature_meta(meta["config"]))  # lets a resume import its plugins unasked (.plugin_trust)
        try:
            with RunStore.in_run_dir(run_dir, create=True, meta=meta) as store:
                return note_random_start(_run(config, store, on_progress, plugins, notes=notes), config, on_note)
        except (KeyboardInterrupt, SystemExit, Exception) as exc:  # before the loop's own handler, a new run's
            if not isinstance(exc, NasloopError):  # store had no status yet (a refusal leaves it as it was)
                record_stop_before_start(run_dir, config, exc)
            raise


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
    if isinstance(run_dir, (str, os.PathLike)):  # '~/runs/api', as search(SearchConfig(run_dir=...)) reads it: it
        run_dir = os.path.expanduser(run_dir)  # was "no nasloop run at ~/runs/api"
    check_hooks("resume", on_progress=on_progress, on_note=on_note)
    check_value("budget", budget, PositiveInt | None)  # as SearchConfig checks them: "8" failed in comparing
    check_value("max_seconds", max_seconds, PositiveFloat | None)
    check_value("executor_options", executor_options, dict[str, Any] | None)  # a list was Python's TypeError
    budget, max_seconds = plain(budget), plain(max_seconds)
    data_dir = checked_folder("data_dir", data_dir)  # '' was the current folder, where --data-dir '' is refused
    plugins, pretrained_files = (as_paths("plugins", plugins, "plugin files or modules"),
                                 as_paths("pretrained_files", pretrained_files, "files"))
    with RunStore.in_run_dir(run_dir, readonly=True) as store:  # a foreign or damaged store is refused before
        # anything, the lock file included, is written; an edited score would mislead the strategy
        checked_objectives(store, store.trials())
    with RunLock(run_dir), RunStore.in_run_dir(run_dir) as store:
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
        moved_data = None if data_dir is None else os.path.abspath(os.path.expanduser(data_dir))  # '~/data' as search
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
            plugins = build_plugins(config, notes.hook, resumed=True, start_executor=False)  # started if it goes on
        with closed_on_error(plugins[3]):
            check_same_results(str(run_dir), store, plugins[0], plugins[2])
            check_resumed_objectives(str(run_dir), config, plugins[2])
            check_budget(budget, plugins[0], config.space, config.dedup)
            check_seconds_budget(config, plugins[2], notes.hook)
            note_unsaved_state(plugins[1], notes.hook)
            note_exact_functional_hash(config, plugins[0], notes.hook)
            idle_note = nothing_to_do(stored, store, budget, max_seconds, counts, plugins[0])  # left as it was
            if idle_note:  # said once the state loads, alone (the others speak of a run going on); nor is a budget it
                notes.instead(idle_note)  # cannot spend stored (a space evaluated whole)
                changes = {k: v for k, v in changes.items() if k not in ("budget", "max_seconds")}
                new_meta.update(idle_meta(store))  # a failed run's reason as the loop would store it
            if changes or pretrained_files:  # the stored run_dir and workdir stay as the run began: they locate
                new_meta["config"] = stored.replace(**changes).to_dict()  # its project next time
                new_meta.update(signature_meta(new_meta["config"]))  # trusted or given again: signed anew
            plugins = plugins if idle_note else (*plugins[:3], run_executor(config))  # started for a run going on
            conditions = recorded_conditions(store, plugins[2])
            with closed_on_error(plugins[3]):
                summary = _run(config, store, on_progress, plugins, new_meta, bool(idle_note), notes)
            changed = changed_conditions_note(conditions, recorded_conditions(store, plugins[2]))
    done -= int(counts["pending"])
    if changed and on_note is not None:
        on_note(changed)
    if not idle_note and on_note is not None and summary["status"] == "finished" and summary["evaluations"] == done:
        limits = summary["budget"]  # (a streak of repeats, or an interrupted run whose budget was spent)
        on_note(f"the resume of {summary['run_dir']} evaluated nothing new: {summary['stop_reason']}" + budget_hint(
            limits["queries"], limits["seconds"], limits["queries_used"], limits["seconds_used"], "continue it"))
    return note_random_start(summary, config, on_note, done)


MOVED_FIX = "give where it is now with --predictor-opt pretrained=FILE, or start a new run"  # its pretrained file moved


def summarize(store_or_dir: RunStore | str | Path) -> dict[str, Any]:
    """One JSON-compatible record of a run: counts, budget, best architecture and its metrics."""
    with opened(store_or_dir, "summarize") as store:
        config = store.get_meta("config")
        if not isinstance(config, dict):
            raise DataError(f"{store.path} has no valid run configuration; it was not written by 'nasloop search' "
                            "or is damaged")
        wall = store.get_meta("wall_seconds") or 0.0  # a number: checked as the store opened
        counts = store.counts()
        # every row is read, not just the best: a damaged row is reported here, never shown as fine
        evaluations = store.evaluations()
        checked_objectives(store, evaluations)
        done = [t for t in evaluations if t.score is not None and not math.isnan(t.score)]
        best = max(done, key=lambda t: (t.score, -t.id), default=None)
        status, reason = store.get_meta("status"), store.get_meta("stop_reason")
        if status in (None, "running"):  # None: a search in its first instants, or one a full disk stopped
            if is_being_searched(store.path.parent):
                status = "running"
            else:  # its process was killed
                status, reason = "stopped", f"no process is searching it; {continue_hint(store.path.parent)}"
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
            "wall_seconds": round(wall, 3),
            "best": None if best is None else {"arch": best.arch, "trial": best.id, "score": best.score,
                                               "metrics": dict(best.result.metrics)},
            **pareto_summary(store, config),
        })
