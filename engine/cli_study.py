"""``nasloop compare`` and ``nasloop report``: studies of strategy × predictor pairs, and their reports."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from .cli_shorthand import add_shorthand_flags, study_executor_hints, with_shorthand
from .cli_types import (float_list, key_value, name_list, path_arg, path_text, positive_float, positive_int,
                        study_seed_count, train_sizes)
from .assemble import dataset_for, run_dataset
from .config import SearchConfig
from .errors import ConfigError, DataError, UnsupportedError, printable
from .objectives import continues_bare, directed
from .option_bounds import METHOD_KINDS, stored_options
from .registry import SEARCH_SPACES
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE
from .run_lock import StudyLock
from .study_leftover import cleared_leftover
from .progress import progress
from .run_checks import check_new_run
from .run_parts import build_parts
from .stop_reasons import in_study_terms
from .study_data import check_study_data
from .study import open_study, refuse_shared_folders
from .study_file import load_study
from .study_grid import GRID_FIELDS, Study
from .study_plugins import continued_plugins, continued_predictor_plugins, plugin_record
from .study_run import noted, plan_study, run_study
from .study_methods import MethodSource, as_method_advice, method_random_start_note, parse_method, read_methods
from .study_target import reference_example, refuse_empty_reference_point, study_target


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The ``compare`` and ``report`` subcommands (their flags mirror ``search``'s)."""
    c = sub.add_parser("compare", help="run every (method, seed) of a study and report the comparison",
                       description="Run each method (strategy[:predictor][+key=value...]) with each seed as an "
                                   "ordinary run inside --out, --jobs at a time (one by default); running the same "
                                   "command again skips finished runs, resumes interrupted ones and adds new methods "
                                   "or seeds. With --predictors instead, fit each (predictor, train size, seed) as "
                                   "'nasloop predictors evaluate' does, each fit recorded as it is measured. Writes "
                                   "report.md, report.html and figures into --out.")
    c.add_argument("--methods", type=name_list, help="comma-separated, e.g. evolution,local,bananas:gp,"
                                                      "predictor-topk:flan+warmup=null")
    c.add_argument("--methods-file", type=path_arg, help="YAML list of methods with their full options")
    c.add_argument("--predictors", type=name_list, help="compare predictors' ranking instead of searches, e.g. "
                                                         "flan,gp,mlp,emprox,zero-cost (with --train-sizes)")
    c.add_argument("--train-sizes", type=train_sizes,
                   help="--predictors: training-set sizes (default 8,40,128,512)")
    c.add_argument("--predictor-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                   help="--predictors: an option of every compared predictor, or NAME.KEY=VALUE of predictor NAME "
                        "only (repeatable)")
    c.add_argument("--metric", help="--predictors: the table metric to rank by, METRIC:min where lower is better "
                   "(a latency); default: the task's own")
    c.add_argument("--seeds", type=study_seed_count, default=5, help="seeds 0..N-1 per method (default 5)")
    c.add_argument("--out", type=path_arg, required=True, help="the study folder")
    c.add_argument("--jobs", type=positive_int, help="runs at once, each in its own process (default 1; with "
                   "--executor ray, Ray tasks at once: default as many as Ray places)")
    c.add_argument("--executor", choices=("local", "ray"),
                   help="where runs go: local processes (--jobs; the default) or one Ray task per run")
    c.add_argument("--ray-address", help="--executor ray: join this cluster (auto, HOST:PORT, ray://HOST:PORT)")
    c.add_argument("--space", default="nb201", help="search space (see 'nasloop spaces'); default nb201")
    c.add_argument("--dataset", help="dataset or benchmark task (default: the space benchmark's first, e.g. cifar10)")
    c.add_argument("--evaluator", help="how runs are evaluated (default tabular)")
    c.add_argument("--budget", type=positive_int, help="distinct evaluations per run (default 100)")
    c.add_argument("--max-seconds", type=positive_float, help="also stop each run after this much evaluation cost "
                   "(the evaluation crossing it still finishes, as in search)")
    c.add_argument("--fidelity", type=positive_int, help="epochs to evaluate at, as in search (tables: default the "
                   "most; --evaluator train: default 12)")
    c.add_argument("--objective", help="metric to compare on; default the evaluator's")
    c.add_argument("--minimize", action="store_true", default=False, help="minimise --objective instead")
    c.add_argument("--objectives", type=name_list, metavar="METRIC:max|min,...",
                   help="compare multi-objective searches by the hypervolume of their fronts (with --reference-point)")
    c.add_argument("--reference-point", type=float_list, metavar="V1,V2,...",
                   help="--objectives: the one hypervolume reference point of every run, in the metrics' units")
    c.add_argument("--target", type=float, help="the value queries are counted to (default: the table's best)")
    c.add_argument("--interval", choices=("t", "bootstrap"), help="95 %% intervals: Student t (default) or "
                                                                 "percentile bootstrap")
    c.add_argument("--data-dir", type=path_text,
                   help="folder holding benchmark data (else $NASLOOP_DATA, then ~/.cache/nasloop)")
    c.add_argument("--space-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                   help="an option of the space, for every run (repeatable)")
    c.add_argument("--evaluator-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                   help="an option of the evaluator, for every run (repeatable)")
    add_shorthand_flags(c, "evaluator")  # --proxies and --device, as search takes them
    c.flag_hints = study_executor_hints()  # search's --trial-timeout, ...: refused naming what works
    c.add_argument("--force-new", action="store_true",
                   help="set a study of another grid in --out aside (renamed, not deleted); one of this grid is "
                        "continued")
    c.add_argument("--quiet", action="store_true", help="no progress lines")

    r = sub.add_parser("report", help="write report.md and report.html for a study folder or one run")
    r.add_argument("path", type=path_arg, help="a study folder (from 'nasloop compare') or a run directory")
    r.add_argument("--out", type=path_arg, help="folder to write into (default: a study's PATH, a run's PATH/report)")
    r.add_argument("--target", type=float, help="a search study: the value queries are counted to (default: the "
                                                "last compare's --target, else the table's best)")
    r.add_argument("--interval", choices=("t", "bootstrap"), help="a search study: 95 %% intervals, Student t or "
                                                                  "percentile bootstrap (default: the last compare's)")
    r.add_argument("--data-dir", type=path_text, help="a predictor study from before it recorded the fidelity it "
                   "ranks: the folder holding the benchmark's table, which says it (default: $NASLOOP_DATA, the cache)")


def _methods(args: argparse.Namespace) -> list:
    if bool(args.methods) == bool(args.methods_file):
        raise ConfigError("name the methods with --methods a,b:predictor,... or --methods-file FILE.yaml (one of "
                          "them); to compare predictors rather than searches, --predictors flan,gp,...")
    cut = next((m for m in args.methods or () if m.count("[") != m.count("]") or m.count("{") != m.count("}")), None)
    if cut is not None:
        raise ConfigError(f"--methods splits at commas, which cut the method '{cut}' inside a list or mapping; "
                          "give that method in a --methods-file (YAML, options in full)")
    methods = read_methods(args.methods_file) if args.methods_file else [parse_method(m) for m in args.methods]
    labels = [m.label for m in methods]
    if len(set(labels)) != len(labels):
        # a methods file's (--methods refuses a name given twice as it parses): it named no fix
        twice = next(label for label in labels if labels.count(label) > 1)
        raise ConfigError(f"method '{twice}' is listed twice in {args.methods_file}; give each its own name (name: "
                          "...; an unnamed method is named strategy[:predictor])")
    refuse_shared_folders(args.out, methods)
    return methods


def _compare_note(text: str) -> None:
    """A note of ``compare`` on stderr, one line whatever path it quotes (a control character written as repr does)."""
    print(f"nasloop compare: note: {printable(text)}", file=sys.stderr)


def cmd_compare(args: argparse.Namespace, plugins: list[str]) -> int:
    # a study another compare runs (a new predictor study too, locked before its first fit) is refused before the
    # plugins it recorded are loaded (whatever they import) and any method or predictor is built
    if (args.out / StudyLock.file_name).is_file():
        StudyLock(args.out).refuse_if_held()
        leftover = cleared_leftover(args.out)  # a new study's folder a kill left with its lock alone
        if leftover:
            _compare_note(leftover)
    if args.predictors:
        plugins = continued_predictor_plugins(args.out, plugins, _compare_note)  # without --plugin: its own
        _refuse_unknown_space(args.space, args.out)  # else read as a space of CIFAR-10, and the study's refused so
        args.dataset = dataset_for(args.space, args.dataset)
        return _compare_predictors(args, plugins)
    plugins = continued_plugins(args.out, plugins, _request(args), _compare_note)  # without --plugin: its own
    given = [flag for flag, value in (("--train-sizes", args.train_sizes), ("--predictor-opt", args.predictor_opt),
                                      ("--metric", args.metric)) if value]
    if given:  # the search study's own way to the same end: --metric's is --objective, not a method's option
        instead = {"--metric": "a search study's runs optimise --objective METRIC (with --minimize where lower is "
                               "better), or --objectives for several",
                   "--train-sizes": "a search study's guided methods fit on the cells they evaluate, up to --budget"}
        advice = instead.get(given[0], "a method's predictor takes its options in the method, e.g. --methods "
                                       "'bananas:forest+trees=300'")
        raise ConfigError(f"{given[0]} belongs to a predictor study (--predictors); {advice}")
    methods = _methods(args)
    # read_methods makes one method of each entry, in order; the file by its path from here, which 'report' and
    # 'show' advise from any folder (the name as typed named no file outside the one compare ran in)
    sources = {m.label: MethodSource(os.path.abspath(args.methods_file), entry) if args.methods_file
               else MethodSource() for entry, m in enumerate(methods, start=1)}
    # a dataset read by any method is the study's (each run records it where it reads it: Study.config)
    args.dataset = run_dataset(args.space, args.evaluator or "tabular", args.dataset,
                               guides=[method.guide for method in methods])
    if args.ray_address and args.executor != "ray":
        raise ConfigError("--ray-address sends runs to a Ray cluster: add --executor ray")
    base = _base(args, plugins)
    # before the reference point is judged against a direction not meant; not to a study --force-new may set aside
    stored = None if args.force_new else _stored_study(args.out)
    if continues_bare(base.objectives, None if stored is None else stored.base.objectives, args.out):
        print(f"nasloop compare: note: the study in {args.out} stored its objectives without a direction, as nasloop "
              f"did before it asked for one; they are maximised, as when it began: --objectives "
              f"{','.join(directed(base.objectives))}", file=sys.stderr)
    if base.num_objectives > 1 and base.reference_point is None:
        raise ConfigError("a study compares multi-objective runs by hypervolume, which needs one reference point "
                          "for all of them: give --reference-point with a value per objective, worse than any you "
                          f"care about ({reference_example(base)})")
    refuse_empty_reference_point(base)
    draft = Study(args.out, base, methods, [0])
    _reach_ray_first(args, draft, methods)  # in seconds, before every method's plugins are built
    notes: list[str] = []
    source = f" of {args.methods_file}" if args.methods_file else ""
    built = []
    for method in methods:  # every bad name or option fails here, before the study folder is touched
        config = draft.config(method, 0)
        try:  # a method the study stored runs its next seeds with its stored options, a new one on its stored grid
            # with options of its own (see Study.new_kinds)
            with stored_options(stored is not None,
                                () if stored is not None and method in stored.methods else METHOD_KINDS):
                parts = build_parts(config, notes.append)  # each run builds its own executor
        # 'strategy evolution has no option popsize': of which method? (a benchmark warm-up on a space with no table,
        # unsupported, advised its fix as search's --strategy-opt)
        except (ConfigError, DataError, UnsupportedError) as exc:
            advice = as_method_advice(str(exc), sources[method.label])  # not the refused --predictor-opt
            raise type(exc)(f"method '{method.label}'{source}: {advice}") from None
        check_new_run(config, parts, notes.append)
        built.append(parts)
    # after the plugins' checks: a table of part of the space is refused there in words naming it (how many cells it
    # holds, the import of the whole file), where the target read its cells and failed on whatever they lacked
    target = study_target(args.target, base)
    notes += [note for method in methods if (note := method_random_start_note(method, base.budget))]
    for note in dict.fromkeys(notes):  # once, not once per method
        _compare_note(note)
    with contextlib.ExitStack() as held:
        # a study is locked before --force-new could set it aside while it runs; a new one (or the one set aside)
        # once open_study has made its folder
        lock = held.enter_context(StudyLock(args.out)) if (args.out / STUDY_FILE).is_file() else None
        study = open_study(args.out, base, methods, list(range(args.seeds)), force_new=args.force_new,
                           on_note=_compare_note,
                           report={"target": args.target, "interval": args.interval or "t"}, sources=sources,
                           # its runs share the grid's table: the first method's plugins read it as each does
                           check_data=lambda stored: check_study_data(stored, built[0][0], built[0][2]))
        if lock is None or not lock.path.exists():
            held.enter_context(StudyLock(args.out))
        pending, outcomes = plan_study(study)
        # a refusal raised inside a run (a forest's missing=error on undefined proxies) named --predictor-opt, which
        # a search study refuses: said as the method takes the option where it is written (by this command, or, for
        # a method it does not name, by the one that added it), as a refusal while it is built is
        where = {str(study.run_dir(m, seed)): study.sources.get(m.label) for m, seed in study.runs()}

        def said(run_dir: str, outcome: str) -> str:  # a run's 'nasloop search --resume' too: the study goes on
            return as_method_advice(in_study_terms(outcome, args.out), where.get(run_dir))
        with progress("runs", len(pending), enabled=not args.quiet) as advance:
            ran = run_study(pending, args.jobs, on_run=lambda run_dir, outcome: advance(
                f"{Path(run_dir).parent.name}/{Path(run_dir).name}: {said(run_dir, outcome)}"),
                ray_address=args.ray_address, use_ray=args.executor == "ray")
            outcomes.update({run: said(run, outcome) for run, outcome in ran.items()})
        from .study_results import collect  # scipy's statistics: seconds a refused command no longer waits for

        results = collect(study, target, args.interval or "t")
        from .report import markdown_table, study_tables, write_study_report

        written = write_study_report(results, args.out, args.command_line)
    print(markdown_table(study_tables(results)["results"]))
    methods, seeds = len(study.methods), len(study.seeds)  # (a method without a finished run is one too)
    runs = sum(len(r.seeds) for r in results.methods.values())
    print(f"\nreport: {written[1]}  ({methods} method{'s' * (methods != 1)}, {seeds} seed{'s' * (seeds != 1)}; "
          f"{runs} run{'s' * (runs != 1)} used)")
    damaged = [problem for problem in results.problems if ": damaged (" in problem]
    errors = [f"{run}: {outcome}" for run, outcome in outcomes.items() if outcome.startswith(("error", "damaged"))]
    left_out = [p for p in results.problems if p not in damaged and not any(  # a run that failed now: its error below
        f"({run})" in p for run, outcome in outcomes.items() if outcome.startswith("error"))]
    for problem in left_out[:5]:  # a run of another grid kept in the folder: exit 0
        _compare_note(f"left out of the report: {problem}")
    for note in noted(outcomes):  # a run folder deleted as it ran, written back whole: exit 0
        _compare_note(note)
    # a finished run whose rows are damaged is found only when read for the report: an error, not exit 0
    errors += [problem for problem in damaged if not any(
        run in problem for run, outcome in outcomes.items() if outcome.startswith("damaged"))]
    for line in errors[:5]:
        print(f"nasloop compare: {printable(line)}", file=sys.stderr)
    return 1 if errors else 0


def _base(args: argparse.Namespace, plugins: list[str]) -> SearchConfig:
    """What every run of the study shares, as the command asks for it."""
    return SearchConfig(space=args.space, dataset=args.dataset, evaluator=args.evaluator or "tabular",
                        budget=100 if args.budget is None else args.budget,
                        max_seconds=args.max_seconds, fidelity=args.fidelity, objective=args.objective,
                        minimize=args.minimize, objectives=args.objectives, reference_point=args.reference_point,
                        data_dir=args.data_dir, space_options=dict(args.space_opt),
                        evaluator_options=with_shorthand("evaluator", args.evaluator,
                                                         dict(args.evaluator_opt), args), plugins=list(plugins))


def _request(args: argparse.Namespace) -> dict[str, Any] | None:
    """The grid the command asks for, but its dataset (a plugin's space gives its default), which tells whether it
    continues the study in --out before the study's plugins are loaded; None where its values are refused (the
    study's base, built from them later, says how)."""
    try:
        base = _base(args, [])
    except ConfigError:
        return None
    return {name: getattr(base, name) for name in GRID_FIELDS if name != "dataset"}


def _refuse_unknown_space(space: str, out: Path) -> None:
    """A predictor study of a space no plugin here registers: its default dataset was read as CIFAR-10's, and a
    study of the plugin's space continued without ``--plugin`` was refused as one of another dataset. A predictor
    study recorded before it recorded its plugins has none to load again, so it is told to give them."""
    if space in SEARCH_SPACES.names():
        return
    if (out / PREDICTOR_STUDY_FILE).is_file():
        raise ConfigError(f"unknown search space '{space}': {out} holds a predictor study, which does not record its "
                          "plugins; give the plugin that registers the space again: nasloop --plugin FILE compare ...")
    SEARCH_SPACES.get(space)  # the unknown name in the registry's words, with its near names


def _stored_study(out: Path) -> Study | None:
    """The study stored in ``out``; None where it holds none (or none readable: open_study says what is wrong with
    it)."""
    try:
        return load_study(out) if (out / STUDY_FILE).is_file() else None
    except DataError:
        return None


def _reach_ray_first(args: argparse.Namespace, draft: Study, methods: list) -> None:
    """Refuse an unreachable --ray-address, and first a bad ``$NASLOOP_RAY_LOST_AFTER_S`` (as a search does), before
    the study folder is touched: refused after open_study, the command left a new study.json (a later compare of
    another grid into that --out was then refused) or the methods and seeds it added, or a study set aside by
    --force-new. A study this command adds nothing to may have nothing left to run, and then is reported again
    without Ray (its Ray check stays with the runs)."""
    if args.executor != "ray" or args.ray_address is None:
        return
    from .executors.ray_cluster_watch import lost_after_s
    from .executors.ray_setup import check_reachable

    lost_after_s()  # read again by run_on_ray, after open_study: refused there, it left study.json behind
    try:
        stored = load_study(args.out) if (args.out / STUDY_FILE).is_file() else None
    except DataError:
        stored = None
    # a method of a stored label with other options is run anew (see .study_renew), in its new runs
    if stored is not None and stored.grid() == draft.grid() and all(m in stored.methods for m in methods) and set(
            range(args.seeds)) <= set(stored.seeds):
        return
    check_reachable(args.ray_address)


def _compare_predictors(args: argparse.Namespace, plugins: list[str]) -> int:
    from .predictor_study import read_grid, run_predictor_study, unmeasured
    from .predictor_report import predictor_table, write_predictor_report
    from .report import markdown_table

    if args.methods or args.methods_file:
        raise ConfigError("compare either searches (--methods) or predictors (--predictors), not both at once")
    searching = [flag for flag, value in (("--budget", args.budget), ("--max-seconds", args.max_seconds),
                                          ("--objective", args.objective), ("--minimize", args.minimize),
                                          ("--objectives", args.objectives),
                                          ("--reference-point", args.reference_point),
                                          ("--target", args.target), ("--interval", args.interval),
                                          ("--evaluator", args.evaluator),
                                          ("--evaluator-opt", args.evaluator_opt), ("--proxies", args.proxies),
                                          ("--device", args.device), ("--jobs", args.jobs),
                                          ("--executor", args.executor), ("--ray-address", args.ray_address))
                 if value is not None and value is not False and value != []]
    if searching:  # an objective's counterpart here is --metric, which the general advice did not name
        ranked_by = "a predictor study ranks by --metric METRIC (METRIC:min where lower is better), one metric a study"
        advice = ranked_by if searching[0] in ("--objective", "--minimize", "--objectives") else (
            "a predictor study ranks the benchmark's cells (--train-sizes, --seeds, --predictor-opt, --metric)")
        raise ConfigError(f"{searching[0]} belongs to a search study (--methods); {advice}")
    grid = {"space": args.space, "dataset": args.dataset, "metric": args.metric, "fidelity": args.fidelity,
            "space_options": dict(args.space_opt),
            "predictor_options": dict(args.predictor_opt)}
    sizes = args.train_sizes or [8, 40, 128, 512]
    notes: list[str] = []

    def note(text: str) -> None:  # in the report too
        notes.append(text)
        _compare_note(text)

    # the total once the study is read: its stored requests' seeds too, less the fits it holds
    with progress("fits", None, not args.quiet) as advance:
        records = run_predictor_study(args.out, grid, args.predictors, sizes, list(range(args.seeds)),
                                      args.data_dir, on_result=lambda r: advance(
                                          f"{r['predictor']} n={r['train_size']} tau {r['kendall_tau']:.3f}"),
                                      force_new=args.force_new, on_note=note, on_aside=_compare_note,
                                      plugins=plugin_record(plugins), on_plan=lambda total: advance(steps=0,
                                                                                                    total=total))
    # as 'nasloop report' reads it: with what the study's predictors resolved and the fidelity it ranks
    stored = read_grid(args.out, args.data_dir) if (args.out / PREDICTOR_STUDY_FILE).is_file() else None
    missing = unmeasured(stored, records) if stored is not None else None
    if missing:  # asked of the study by an earlier command that was killed
        note(missing)
    written = write_predictor_report(args.out, records, stored or grid, args.command_line, notes)
    print(markdown_table(predictor_table(records)))
    print(f"\nreport: {written[1]}")
    return 0
