"""The ``nasloop`` command: a thin layer over :mod:`nasloop.engine.search`.

Every error a user can cause ends in one line on stderr and exit status 2; an interrupted
search says how to resume it.
"""
from __future__ import annotations

import sys

if __name__ == "__main__":  # python -m nasloop.engine.cli: start as the console script does, where a Ctrl-C while
    from .cli_entry import main as _guarded_main  # the modules below import is one line, not their traceback

    sys.exit(_guarded_main())

import argparse
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, Sequence

from .assemble import dataset_for, parse_user_arch, tabulated_spaces
from .cli_proxies import cmd_proxies, command_context, command_space
from .cli_listing import list_plugins
from .cli_config import check_resumed_shorthand, check_resumed_tensorboard, search_config
from .cli_shorthand import refuse_twice
from .held_imports import imported
from .cli_parser import CONFIG_FLAGS, OPTION_FLAGS, UNLESS_SHOWN, as_typed, build_parser
from .shorthand_flags import SHORTHAND_FLAGS
from .cli_stops import environment_error, how_to_continue, once_fixed, unexpected_error
from .closed_stdout import StdoutClosed, refuse_lost_output
from .cli_report import cmd_report
from .cli_study import cmd_compare
from .cli_test import cmd_test
from .study_show import resume_advice, show_summary
from .tested_shown import tested_rows
from .config import route_options
from .data.import_target import check_out_folder, import_into
from .data.importing import benchmark_of_group
from .data.paths import import_folder
from .errors import ConfigError, NasloopError, printable
from .file_limits import writes_past_the_limit_noted
from .hooks import notes_reaching
from .executors.base import interrupts_held, later_interrupts_end_the_process, sigterm_interrupts
from .plugins import load_plugins
from .predictor_options import options_per_predictor
from .progress import progress
from .registry import EVALUATORS, EXECUTORS, PREDICTORS, SEARCH_SPACES, STRATEGIES
from .run_held_out import held_out_rows
from .run_values import run_values
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE
from .pareto_summary import (best_measured_texts, bookkeeping_note, front_texts, hypervolume_text, left_out_texts,
                             no_best_text, ranked_by)
from .search import resume, search
from .export import export_trials, print_json, readable_console
from .hangup import hangup_interrupts
from .heartbeat import wall_text
from .metric_heads import with_unit
from .options import check_options, option_names
from .value_texts import cost_text, metric_text, option_text, space_and_dataset


def _progress(enabled: bool) -> tuple[Any, Callable[[int, int | None, float | None], None] | None]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    bars = imported("rich.progress")
    BarColumn, MofNCompleteColumn, Progress = bars.BarColumn, bars.MofNCompleteColumn, bars.Progress
    TextColumn, TimeElapsedColumn = bars.TextColumn, bars.TimeElapsedColumn

    bar = Progress(TextColumn("searching"), BarColumn(), MofNCompleteColumn(), TextColumn("best {task.fields[best]}"),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task("search", total=None, best="-")

    def hook(done: int, total: int | None, best: float | None) -> None:
        bar.update(task, completed=done, total=total, best="-" if best is None else f"{best:.4g}")

    return bar, hook


def _notes(command: str, args: argparse.Namespace) -> Callable[[str], None]:
    """The ``on_note`` of ``command``: each note a line on stderr, naming a flag given under an alias as the user
    typed it (``--epochs``, not ``--fidelity``), as its errors do (see :func:`.cli_parser.as_typed`)."""
    return lambda text: print(f"nasloop {command}: note: {printable(as_typed(text, args))}", file=sys.stderr)


def _cmd_search(args: argparse.Namespace) -> dict[str, Any]:
    bar, hook = _progress(not args.quiet)
    note = _notes("search", args)
    if args.resume:
        executor_flags = [f for f, (owner, _) in SHORTHAND_FLAGS.items() if owner == "executor"]
        given = [f"--{n.replace('_', '-')}" for n in (*CONFIG_FLAGS, *SHORTHAND_FLAGS, "minimize")
                 if n not in ("budget", "max_seconds", "data_dir", "executor", "tensorboard", *executor_flags)
                 and getattr(args, n) is not None]
        moved = [value for key, value in args.predictor_opt if key == "pretrained"]  # where a file is now
        if any(not isinstance(value, (str, int, float)) or isinstance(value, bool) for value in moved):
            raise ConfigError("--predictor-opt pretrained on --resume names where a file the run started from is "
                              "now; a run keeps the pretrained file it began with (start a new run without it)")
        given += [f"--{k}-opt" for k in OPTION_FLAGS if k != "executor" and any(
            key != "pretrained" or k != "predictor" for key, _ in getattr(args, f"{k}_opt"))]
        given += ["--config"] if args.config else []
        if given:
            raise ConfigError(f"--resume continues a stored configuration; only the budget, where trials run "
                              f"(--executor, --workers, ...) and where its data (--data-dir) or a pretrained file "
                              f"(--predictor-opt pretrained=FILE) now is may change (drop {', '.join(given)}); other "
                              "options take a new run")
        check_resumed_tensorboard(args.resume, args.tensorboard)  # the folder it logs to, or refused
        executor_options = dict(args.executor_opt)
        shorthand = {f: SHORTHAND_FLAGS[f][1] for f in executor_flags if getattr(args, f) is not None}
        refuse_twice("executor", shorthand, executor_options)
        check_resumed_shorthand(args.resume, args.executor, shorthand)
        executor_options.update({option: getattr(args, f) for f, option in shorthand.items()})
        run = lambda: _resumed(args.resume, lambda: resume(  # noqa: E731
            args.resume, budget=args.budget, max_seconds=args.max_seconds, executor=args.executor,
            executor_options=executor_options, on_progress=hook, on_note=note,
            pretrained_files=[str(value) for value in moved], data_dir=args.data_dir, plugins=args.plugin))
    else:
        config = search_config(args)
        args.run_dir = config.run_dir
        heard = lambda where: setattr(args, "run_dir", where)  # noqa: E731 (an interrupt names the folder)
        run = lambda: search(config, on_progress=hook, on_run_dir=heard, on_note=note)  # noqa: E731
    if bar is None:
        return run()
    with bar:
        return run()


def _resumed(run_dir: str, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``run`` (a resume of ``run_dir``), its refusal's option fix one that a resume's user can follow (the error
    itself kept, with its message rewritten: a plugin's own error class may take other arguments)."""
    try:
        return run()
    except NasloopError as exc:
        advised = resume_advice(str(exc), run_dir)
        if advised != str(exc):
            exc.args = (advised,)
        raise


def _report_search(args: argparse.Namespace) -> int:
    """Run the search and print its summary; exit status 1 when the run failed (every evaluation failed, a resume
    with nothing to do of such a run included: a broken device or table must not exit 0). A resume that had
    nothing to do, or found nothing new, says so as a note (``resume``'s, which API users hear too)."""
    summary = _cmd_search(args)
    _print_summary(summary, args.json)
    if summary["status"] != "failed":  # (search and resume told on_note of a run within its random start)
        return 0
    reason = resume_advice(summary["stop_reason"], args.resume) if args.resume else summary["stop_reason"]
    print(f"nasloop search: failed: {printable(reason)}", file=sys.stderr)
    return 1


def _guided_by(summary: dict[str, Any]) -> str:
    """' with PREDICTOR' for a predictor-guided run."""
    return f" with {summary['predictor']}" if summary.get("predictor") else ""


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    Table = imported("rich.table").Table

    table = Table(title=f"nasloop run {summary['run_dir']}", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    best = summary["best"] or {}
    metrics = best.get("metrics", {})
    repeats, estimated = summary["duplicates_answered"], summary["budget"]["evaluations_cost_estimated"]
    rows = [("space / dataset", space_and_dataset(summary['space'], summary['dataset'], summary.get("fidelity"))
                                + (f", {summary['dedup']} dedup" if summary.get("dedup", "exact") != "exact" else "")),
            # "surrogate 1" alone did not say that NB301's CIFAR-10 accuracies are the surrogate's predictions
            *((("values", values),) if (values := run_values(summary)) else ()),  # a table's, a training's splits
            ("strategy (seed)", f"{summary['strategy']}{_guided_by(summary)} ({summary['seed']})"),
            ("evaluator / executor", f"{summary['evaluator']} / {summary['executor']}"),
            *((f"{kind} options", ", ".join(f"{k}={option_text(v)}" for k, v in options.items()))
              for kind, options in summary.get("options", {}).items()),
            ("status", summary["status"] + (f": {summary['stop_reason']}" if summary["stop_reason"] else "")),
            ("evaluations", f"{summary['evaluations']} of {summary['budget']['queries'] or '∞'}"
                            + (" started" if summary["pending"] else "")  # an interrupted run's unfinished ones
                            + f" ({repeats} repeat{'' if repeats == 1 else 's'} answered from the store,"
                            f" {summary['failed']} failed"
                            + (f", {summary['pending']} not finished" if summary["pending"] else "") + ")"),
            ("evaluation cost", cost_text(summary["budget"]["seconds_used"], estimated, summary["budget"]["seconds"])),
            ("wall time", wall_text(summary)),  # 'at least' that of a killed session's last heartbeat
            ("best" + (ranked_by(summary) or " architecture"),
             best.get("arch", "-" + (f" ({why})" if (why := no_best_text(summary)) else "")))]
    rows += [(f"  {with_unit(name, summary['space'], summary['evaluator'], name)}", metric_text(value))
             for name, value in metrics.items()]
    rows += [(head if head == "note" else f"  {head}", text) for head, text in held_out_rows(summary, explained=False)]
    rows += [(f"  best {name} measured", text) for name, text in best_measured_texts(summary)]
    rows += tested_rows(summary)  # 'nasloop test's figures for the run's best, in its tested.json
    rows += [("note", note) for note in (bookkeeping_note(summary), summary.get("unread_note")) if note]
    if "pareto_front" in summary:
        front = summary["pareto_front"]
        rows += [("objectives", ", ".join(summary["objectives"])), ("hypervolume", hypervolume_text(summary)),
                 *(("left out of both", text) for text in left_out_texts(summary)),
                 (f"Pareto front ({len(front)})", "")]
        rows += [(f"  trial {m['trial']}", f"{m['arch']}  " + "  ".join(f"{k}={v}" for k, v in texts.items()))
                 for m, texts in zip(front, front_texts(summary))]
    for name, value in rows:
        table.add_row(name, value)
    # long values fold (at natural width one genotype made every line 448 wide); no markup, as in print_table
    readable_console().print(table)


def _cmd_import(args: argparse.Namespace) -> None:
    if args.space in SEARCH_SPACES.names():
        name = SEARCH_SPACES.get(args.space).benchmark
    else:  # a family of spaces (nds): the files say which member they belong to
        name = benchmark_of_group(args.space, args.files)
    if name is None:
        raise ConfigError(f"search space '{args.space}' has no benchmark table to import; spaces with one: "
                          f"{', '.join(tabulated_spaces())}")
    out_dir = args.out or import_folder()
    check_out_folder(out_dir, args.out is not None)
    print(import_into(name, args.files, out_dir, args.replace, args.space, print))


def _cmd_predictors(args: argparse.Namespace) -> int | None:
    if args.predictors_command in (None, "show"):
        refusal = getattr(args, UNLESS_SHOWN)
        if refusal is not None and args.name not in PREDICTORS:  # 'predictors shot' names no plugin: 'show' misspelt
            print(refusal, end="", file=sys.stderr)
            return 2
        list_plugins(PREDICTORS, args.name)
        return None
    if args.predictors_command == "pretrain":
        from .pretraining import pretrain, pretrainable

        pretrainable(args.predictor)  # asked of the class: nothing is read or fitted for one without it
        with progress("spaces", len(args.spaces)) as advance:
            summary = pretrain(args.spaces, args.out, args.predictor, dataset=args.dataset, train_size=args.train_size,
                               seed=args.seed, data_dir=args.data_dir, predictor_options=dict(args.predictor_opt),
                               on_space=lambda name, n: advance(f"{name}: {n} cells"), joint=args.joint,
                               overwrite=args.overwrite)
        in_all = " in all" if len(summary["spaces"]) > 1 else ""  # --train-size counts per space
        print(f"wrote {summary['file']} ({summary['model']} on {', '.join(summary['spaces'])}: {summary['cells']} "
              f"cells{in_all}, {summary['seconds']} s)")
        return
    from .predictor_evaluation import evaluate_predictors

    options = options_per_predictor(args.predictors, dict(args.predictor_opt))
    args.dataset = dataset_for(args.space, args.dataset)
    total = len(args.predictors) * len(args.train_sizes) * args.seeds
    rows: list[dict[str, Any]] = []

    def measured(record: dict[str, Any]) -> None:
        rows.append(record)
        advance(f"{record['predictor']} n={record['train_size']} tau {record['kendall_tau']:.3f}")

    try:
        with progress("fitting", total) as advance:
            evaluate_predictors(args.predictors, args.train_sizes, list(range(args.seeds)), space=args.space,
                                dataset=args.dataset, data_dir=args.data_dir, fidelity=args.fidelity,
                                metric=args.metric, predictor_options=options, space_options=dict(args.space_opt),
                                on_result=measured, on_note=_notes("predictors evaluate", args))
    except (KeyboardInterrupt, Exception):  # or a predictor failing at a later fit than its trial's
        args.fits_done = (len(rows), total)  # how_to_continue names them
        if rows:  # the fits that finished are shown, not thrown away
            _print_predictor_rows(args, rows)
        raise
    _print_predictor_rows(args, rows)


def _print_predictor_rows(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    """:func:`.predictor_table.print_predictor_rows`, imported once there are rows: with it scipy.stats (0.6 s), which
    every command paid until it was imported inside this command, and a refused bad input still paid."""
    from .predictor_table import print_predictor_rows

    print_predictor_rows(args, rows)


TRAIN_FLAGS = ("epochs", "device", "seed", "dataset", "data_dir")
"""Training options that ``nasloop train`` sets by flags of its own, not by --train-opt."""


def _cmd_train(args: argparse.Namespace) -> None:
    from .evaluators.train import TrainingEvaluator, compile_note

    flagged = next((k for k in TRAIN_FLAGS if k in dict(args.train_opt)), None)
    if flagged:  # the command's own flags set these
        raise ConfigError(f"--train-opt {flagged} is set by nasloop train's own flag; give "
                          f"--{flagged.replace('_', '-')} instead")
    train_options, space_options = route_options(dict(args.train_opt), TrainingEvaluator,
                                                 SEARCH_SPACES.get(args.space))
    # the evaluator's own check said "evaluator 'train' has no option ...", a name nasloop train's user never typed
    takes = [name for name in option_names(TrainingEvaluator) if name not in TRAIN_FLAGS]
    unknown = next((name for name in train_options if name not in takes), None)
    if unknown is not None:
        raise ConfigError(f"--train-opt {unknown}: nasloop train has no option '{unknown}'; it takes {', '.join(takes)}"
                          f" ('nasloop spaces {args.space}' lists the space's, given by --space-opt)")
    check_options("--train-opt", TrainingEvaluator, train_options)  # a bad value, as "--train-opt option lr must be"
    clash = sorted(set(space_options) & set(dict(args.space_opt)))
    if clash:
        raise ConfigError(f"{clash[0]} is given by both --train-opt and --space-opt; give it once, as --space-opt")
    args.space_opt = [*space_options.items(), *args.space_opt]  # the older --train-opt channels=8 still works
    context = command_context(args)
    # a task of the space's table without images (TransNAS-Bench-101's) was 'unknown dataset', as if misspelt
    context.image_dataset("its networks cannot be trained on it", f"look its results up with 'nasloop search "
                          f"--space {args.space} --dataset {args.dataset}'", any_images=True)
    space = command_space(args, context)
    arch = parse_user_arch(space, args.space, args.arch)
    if train_options.get("compile") is True:  # a tiny run sat silent for minutes, as if it hung
        print(f"nasloop train: note: {compile_note('the network')}", file=sys.stderr)
    from .train_one import train_architecture

    metrics = train_architecture(space, arch, dataset=args.dataset, epochs=args.epochs,
                                 data_dir=args.data_dir, device=args.device, seed=args.seed, **train_options)
    if args.json:
        print_json(metrics)
        return
    for name, value in metrics.items():
        print(f"{name:20s} {value:.4f}" if isinstance(value, float) else f"{name:20s} {value}")


def _run_dir_not_study(folder: str) -> str:
    """``show`` and ``export`` read one run; a study folder (``nasloop compare --out``, of searches or of predictors)
    is read by ``report``: a predictor study was answered 'no nasloop run ... start a new search'."""
    if (Path(folder) / STUDY_FILE).is_file():
        raise ConfigError(f"{folder} is a study of 'nasloop compare', not one run; read it with 'nasloop report "
                          f"{folder}', or name one of its runs under {Path(folder) / 'runs'}")
    if (Path(folder) / PREDICTOR_STUDY_FILE).is_file():
        raise ConfigError(f"{folder} is a predictor study of 'nasloop compare --predictors', not a run; read it with "
                          f"'nasloop report {folder}' (each fit is a line of its predictor_records.jsonl)")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    args.command_line = ["nasloop", *(sys.argv[1:] if argv is None else argv)]  # what reports say made them
    commands: dict[str, Callable[[], Any]] = {
        "search": lambda: _report_search(args),
        "show": lambda: _print_summary(show_summary(_run_dir_not_study(args.run_dir)), args.json),
        "export": lambda: print(export_trials(_run_dir_not_study(args.run_dir), args.output,  # opens and closes it
                                              include_duplicates=args.all, pareto_only=args.pareto,
                                              on_note=_notes("export", args))),
        "spaces": lambda: list_plugins(SEARCH_SPACES, args.name),
        "strategies": lambda: list_plugins(STRATEGIES, args.name),
        "predictors": lambda: _cmd_predictors(args),
        "proxies": lambda: cmd_proxies(args),
        "train": lambda: _cmd_train(args),
        "test": lambda: cmd_test(args),
        "evaluators": lambda: list_plugins(EVALUATORS, args.name),
        "executors": lambda: list_plugins(EXECUTORS, args.name),
        "data": lambda: _cmd_import(args),
        "compare": lambda: cmd_compare(args, args.plugin),
        "report": lambda: cmd_report(args),
    }
    # a closed terminal's SIGHUP, too, lets a search record its stop; a write past 'ulimit -f' is told from a bad disk
    with sigterm_interrupts(), hangup_interrupts(), writes_past_the_limit_noted():
        status = _run_command(args, commands)
    if status == 130 and argv is None:  # the program itself, stopped: only its exit is left
        later_interrupts_end_the_process()
    return status


def _run_command(args: argparse.Namespace, commands: dict[str, Callable[[], Any]]) -> int:
    """Run the command; every way it can end is one line on stderr and an exit status, under the name the
    user typed (``nasloop predictors pretrain: error: ...``, as argparse's own errors say)."""
    sub = getattr(args, f"{args.command}_command", None)
    name = f"{args.command} {sub}" if isinstance(sub, str) else args.command
    try:
        with notes_reaching(_notes(name, args)):  # a note of no run's (a cache entry found as a table loads) is one
            load_plugins(args.plugin)  # of the command's, not Python's bare 'note: ...'
            status = commands[args.command]()
        refuse_lost_output()  # '>&-': said once the command has run, its work done
    except NasloopError as exc:
        print(f"nasloop {name}: error: {printable(as_typed(str(exc), args) + once_fixed(exc, args))}", file=sys.stderr)
        return 2
    except StdoutClosed as exc:  # started with '>&-': what it had to print went nowhere
        kept = f"; the run is kept: 'nasloop show {args.run_dir}' prints it" if args.command == "search" and \
            args.run_dir else "; run it again"  # a search's summary is printed once its run has ended
        print(f"nasloop {name}: error: {exc.strerror}, so what it prints went nowhere: send its output to a file "
              f"or to /dev/null ('> FILE'){kept}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left early (``nasloop show --json | head``): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush does not fail again
        return 141
    except (OSError, sqlite3.DatabaseError) as exc:  # the machine's side: disk full, permissions, I/O errors
        print(f"nasloop {name}: error: {printable(environment_error(exc, args))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        with interrupts_held():  # a second Ctrl-C as the store is read for the message printed a traceback
            again = how_to_continue(args, interrupted=True)
            print(f"nasloop {name}: interrupted{printable('; ' + again) if again else ''}", file=sys.stderr)
        return 130
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin's bug or exit() (or ours): one line
        if args.verbose:
            raise
        print(f"nasloop {name}: error: {printable(unexpected_error(exc, args))}", file=sys.stderr)
        return 1
    return status if isinstance(status, int) else 0

