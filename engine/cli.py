"""The ``nasloop`` command: a thin layer over :mod:`nasloop.engine.search`.

Every error a user can cause ends in one line on stderr and exit status 2; an interrupted
search says how to resume it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

import yaml

from .config import SearchConfig, read_yaml
from .errors import ConfigError, NasloopError
from .registry import EVALUATORS, EXECUTORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, Registry
from .search import resume, search, summarize
from .store import RunStore

# Flags that map one-to-one onto SearchConfig fields (flag → field).
_CONFIG_FLAGS = ("space", "dataset", "strategy", "evaluator", "executor", "budget", "max_seconds", "seed",
                 "fidelity", "objective", "dedup", "data_dir", "run_dir")
_OPTION_FLAGS = ("space", "strategy", "evaluator", "executor")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the fix."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _key_value(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got '{text}'")
    try:
        return key.replace("-", "_"), yaml.safe_load(value)
    except yaml.YAMLError:
        raise argparse.ArgumentTypeError(f"cannot read the value of '{text}'") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nasloop", description="Predictor-guided neural architecture search.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("search", help="run (or resume) a search",
                       description="Run a search. Flags override the --config file; options of a plugin "
                                   "go in --strategy-opt KEY=VALUE and friends.")
    s.add_argument("--config", type=Path, help="YAML file of SearchConfig keys")
    s.add_argument("--resume", metavar="RUN_DIR", type=Path, help="continue the run in RUN_DIR")
    s.add_argument("--space", help="search space (see 'nasloop spaces'); default nb201")
    s.add_argument("--dataset", help="dataset or benchmark task; default cifar10")
    s.add_argument("--strategy", help="search strategy (see 'nasloop strategies'); default evolution")
    s.add_argument("--evaluator", help="how architectures are evaluated; default tabular")
    s.add_argument("--executor", help="where evaluations run; default inprocess")
    s.add_argument("--budget", type=_positive_int, help="distinct evaluations to spend; default 100")
    s.add_argument("--max-seconds", type=float, help="stop once evaluations cost this many (simulated) seconds")
    s.add_argument("--seed", type=_positive_int, help="random seed; same seed and config, same search")
    s.add_argument("--fidelity", type=_positive_int, help="training epochs to evaluate at (default: the most)")
    s.add_argument("--objective", help="metric to maximise; default val_accuracy")
    s.add_argument("--minimize", action="store_true", default=None, help="minimise --objective instead")
    s.add_argument("--dedup", choices=("exact", "functional"),
                   help="answer repeats of the same (exact) or an equivalent (functional) architecture from the store")
    s.add_argument("--data-dir", help="folder holding benchmark data (else $NASLOOP_DATA, then ~/.cache/nasloop)")
    s.add_argument("--run-dir", help="where the run is stored; default runs/<space>-<dataset>-<strategy>-s<seed>-<time>")
    for kind in _OPTION_FLAGS:
        s.add_argument(f"--{kind}-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                       help=f"an option of the {kind} (repeatable)")
    s.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    s.add_argument("--quiet", action="store_true", help="no progress bar")

    show = sub.add_parser("show", help="summarise a run")
    show.add_argument("run_dir", type=Path)
    show.add_argument("--json", action="store_true", help="print one JSON object")

    export = sub.add_parser("export", help="write a run's evaluations to CSV or JSON")
    export.add_argument("run_dir", type=Path)
    export.add_argument("output", type=Path, help="file name ending in .csv or .json")
    export.add_argument("--all", action="store_true", help="include proposals answered from the store")

    for name, help_text in (("spaces", "list search spaces"), ("strategies", "list strategies"),
                            ("predictors", "list predictors"), ("evaluators", "list evaluators"),
                            ("executors", "list executors")):
        sub.add_parser(name, help=help_text)

    data = sub.add_parser("data", help="benchmark data").add_subparsers(dest="data_command", required=True,
                                                                        parser_class=_Parser)
    imp = data.add_parser("import", help="convert public benchmark files into nasloop's own table",
                          description="Convert NB201 sources (the compact CSV, NASLib pickles) into nb201.npz; "
                                      "later files override earlier ones for the cells they cover.")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--space", default="nb201", help="benchmark the files belong to (default nb201)")
    imp.add_argument("--out", type=Path, help="output folder (default: $NASLOOP_DATA, else ~/.cache/nasloop)")
    return parser


def _search_config(args: argparse.Namespace) -> SearchConfig:
    data: dict[str, Any] = {}
    if args.config:
        data = read_yaml(args.config)
        if not isinstance(data, dict):
            raise ConfigError(f"{args.config} must be a mapping of key: value")
    for name in _CONFIG_FLAGS:
        value = getattr(args, name)
        if value is not None:
            data[name] = value
    if args.minimize:
        data["minimize"] = True
    for kind in _OPTION_FLAGS:
        options = data.get(f"{kind}_options") or {}
        if not isinstance(options, dict):  # SearchConfig reports it, in one line, if no flag is merged in
            continue
        options = dict(options)
        options.update(getattr(args, f"{kind}_opt"))
        if options:
            data[f"{kind}_options"] = options
    return SearchConfig.from_mapping(data, source=str(args.config) if args.config else "flags")


def _progress(enabled: bool):
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("searching"), BarColumn(), MofNCompleteColumn(), TextColumn("best {task.fields[best]}"),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task("search", total=None, best="-")

    def hook(done: int, total: int | None, best: float | None) -> None:
        bar.update(task, completed=done, total=total, best="-" if best is None else f"{best:.4g}")

    return bar, hook


def _cmd_search(args: argparse.Namespace) -> dict[str, Any]:
    bar, hook = _progress(not args.quiet)
    if args.resume:
        given = [f"--{n.replace('_', '-')}" for n in _CONFIG_FLAGS if n not in ("budget", "max_seconds")
                 and getattr(args, n) is not None] + (["--config"] if args.config else [])
        if given:
            raise ConfigError(f"--resume continues a stored configuration; only --budget and --max-seconds may "
                              f"change it (drop {', '.join(given)})")
        run = lambda: resume(args.resume, budget=args.budget, max_seconds=args.max_seconds, on_progress=hook)  # noqa: E731
    else:
        config = _search_config(args)
        run = lambda: search(config, on_progress=hook)  # noqa: E731
    if bar is None:
        return run()
    with bar:
        return run()


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"nasloop run {summary['run_dir']}", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    best = summary["best"] or {}
    metrics = best.get("metrics", {})
    rows = [("space / dataset", f"{summary['space']} / {summary['dataset']}"),
            ("strategy (seed)", f"{summary['strategy']} ({summary['seed']})"),
            ("status", f"{summary['status']}: {summary['stop_reason'] or ''}"),
            ("evaluations", f"{summary['evaluations']} of {summary['budget']['queries'] or '∞'}"
                            f" ({summary['duplicates_answered']} repeats answered from the store,"
                            f" {summary['failed']} failed)"),
            ("evaluation cost", f"{summary['budget']['seconds_used']:.0f} s (simulated for tables)"),
            ("wall time", f"{summary['wall_seconds']:.2f} s"),
            ("best architecture", best.get("arch", "-"))]
    rows += [(f"  {name}", f"{value:.4f}" if isinstance(value, float) else str(value))
             for name, value in metrics.items()]
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


def _cmd_list(registry: Registry) -> None:
    for name in registry.names():
        obj = registry.get(name)
        doc = (obj.__doc__ or "").strip().splitlines()
        print(f"{name:16s} {doc[0] if doc else ''}")


def _cmd_import(args: argparse.Namespace) -> None:
    from .data import nb201
    from .data.paths import ENV_VAR, user_cache_dir

    if args.space != "nb201":
        raise ConfigError(f"no importer for '{args.space}' yet; nasloop imports nb201 tables")
    out_dir = args.out or Path(os.environ.get(ENV_VAR) or user_cache_dir())
    table = nb201.merge([nb201.import_file(f) for f in args.files])
    path = table.save(out_dir / nb201.TABLE_FILE)
    print(f"wrote {path} ({len(table)} cells; from {table.meta['source']})")


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    commands: dict[str, Callable[[], Any]] = {
        "search": lambda: _print_summary(_cmd_search(args), args.json),
        "show": lambda: _print_summary(summarize(args.run_dir), args.json),
        "export": lambda: print(RunStore.in_run_dir(args.run_dir).export(args.output, include_duplicates=args.all)),
        "spaces": lambda: _cmd_list(SEARCH_SPACES),
        "strategies": lambda: _cmd_list(STRATEGIES),
        "predictors": lambda: _cmd_list(PREDICTORS),
        "evaluators": lambda: _cmd_list(EVALUATORS),
        "executors": lambda: _cmd_list(EXECUTORS),
        "data": lambda: _cmd_import(args),
    }
    try:
        commands[args.command]()
    except NasloopError as exc:
        print(f"nasloop {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        where = getattr(args, "resume", None) or getattr(args, "run_dir", None)
        hint = f"; continue with 'nasloop search --resume {where}'" if args.command == "search" and where else ""
        print(f"nasloop {args.command}: interrupted{hint}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
