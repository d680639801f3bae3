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
from .plugins import load_plugins
from .registry import BENCHMARKS, EVALUATORS, EXECUTORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, Registry
from .search import resume, search, summarize
from .store import RunStore

# Flags that map one-to-one onto SearchConfig fields (flag → field).
_CONFIG_FLAGS = ("space", "dataset", "strategy", "predictor", "evaluator", "executor", "budget", "max_seconds",
                 "seed", "fidelity", "objective", "dedup", "data_dir", "run_dir")
_OPTION_FLAGS = ("space", "strategy", "predictor", "evaluator", "executor")
# Shorthand flags for common plugin options: flag → (options dict, option name).
_SHORTHAND_FLAGS = {"proxies": ("evaluator", "proxies"), "device": ("evaluator", "device"),
                    "workers": ("executor", "workers"), "gpus_per_trial": ("executor", "gpus_per_trial"),
                    "ray_address": ("executor", "address"), "trial_timeout": ("executor", "timeout_s"),
                    "max_retries": ("executor", "max_retries")}


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


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number '{text}'") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 8,40,128, got '{text}'") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected integers >= 1, got '{text}'")
    return values


def _name_list(text: str) -> list[str]:
    names = [v.strip() for v in text.split(",") if v.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got '{text}'")
    return names


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nasloop", description="Predictor-guided neural architecture search.")
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE.py|MODULE",
                        help="import a plugin file or module first, so its spaces, strategies, ... are known "
                             "(repeatable; a search records it and --resume loads it again)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("search", help="run (or resume) a search",
                       description="Run a search. Flags override the --config file; options of a plugin "
                                   "go in --strategy-opt KEY=VALUE and friends.")
    s.add_argument("--config", type=Path, help="YAML file of SearchConfig keys")
    s.add_argument("--resume", metavar="RUN_DIR", type=Path, help="continue the run in RUN_DIR")
    s.add_argument("--space", help="search space (see 'nasloop spaces'); default nb201")
    s.add_argument("--dataset", help="dataset or benchmark task; default cifar10")
    s.add_argument("--strategy", help="search strategy (see 'nasloop strategies'); default evolution")
    s.add_argument("--predictor", help="predictor of a guided strategy (bananas, predictor-topk); see 'nasloop predictors'")
    s.add_argument("--evaluator", help="how architectures are evaluated; default tabular")
    s.add_argument("--executor", help="where evaluations run; default inprocess")
    s.add_argument("--budget", type=_positive_int, help="distinct evaluations to spend; default 100")
    s.add_argument("--max-seconds", type=float, help="stop once evaluations cost this many (simulated) seconds")
    s.add_argument("--seed", type=_positive_int, help="random seed; same seed and config, same search")
    s.add_argument("--fidelity", "--epochs", type=_positive_int,
                   help="training epochs to evaluate at (tables: default the most; --evaluator train: epochs to train)")
    s.add_argument("--objective", help="metric to maximise; default val_accuracy")
    s.add_argument("--minimize", action="store_true", default=None, help="minimise --objective instead")
    s.add_argument("--dedup", choices=("exact", "functional"),
                   help="answer repeats of the same (exact) or an equivalent (functional) architecture from the store")
    s.add_argument("--data-dir", help="folder holding benchmark data (else $NASLOOP_DATA, then ~/.cache/nasloop)")
    s.add_argument("--run-dir", help="where the run is stored; default runs/<space>-<dataset>-<strategy>-s<seed>-<time>")
    for kind in _OPTION_FLAGS:
        s.add_argument(f"--{kind}-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                       help=f"an option of the {kind} (repeatable)")
    s.add_argument("--proxies", type=_name_list, help="--evaluator proxy: proxies to score, first is the objective")
    s.add_argument("--device", help="--evaluator train/proxy: cpu, cuda, cuda:1 or auto")
    s.add_argument("--workers", type=_positive_int, help="--executor ray: trials run at once")
    s.add_argument("--gpus-per-trial", type=float, help="--executor ray: GPUs per trial (fractional shares a GPU)")
    s.add_argument("--ray-address", help="--executor ray: join this cluster (auto, HOST:PORT, ray://HOST:PORT)")
    s.add_argument("--trial-timeout", type=_positive_float, help="--executor ray: seconds before a trial is retried")
    s.add_argument("--max-retries", type=_positive_int, help="--executor ray: retries of a crashed or hung trial")
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
                            ("evaluators", "list evaluators"), ("executors", "list executors")):
        sub.add_parser(name, help=help_text)

    pred = sub.add_parser("predictors", help="list predictors, or evaluate them ('nasloop predictors evaluate')")
    pred_sub = pred.add_subparsers(dest="predictors_command", parser_class=_Parser)
    ev = pred_sub.add_parser("evaluate", help="rank a benchmark's cells after training on n of them",
                             description="Train each predictor on n random cells and rank all the others: Kendall "
                                         "tau, Spearman, top-1%/5% precision, fit and predict seconds. Seed s "
                                         "trains on the first n of numpy.random.default_rng(s).permutation over "
                                         "cells in official benchmark order.")
    ev.add_argument("--space", default="nb201", help="benchmark space (default nb201)")
    ev.add_argument("--dataset", default="cifar10", help="benchmark dataset (default cifar10)")
    ev.add_argument("--predictor", "--predictors", dest="predictors", type=_name_list, default=["flan"],
                    help="comma-separated predictor names (default flan)")
    ev.add_argument("--train-sizes", type=_int_list, default=[8, 40, 78, 128, 512],
                    help="comma-separated training-set sizes (default 8,40,78,128,512)")
    ev.add_argument("--seeds", type=_positive_int, default=5, help="seeds 0..N-1 (default 5)")
    ev.add_argument("--fidelity", type=_positive_int, help="epochs of the target accuracy (default: the most)")
    ev.add_argument("--predictor-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                    help="an option of every evaluated predictor (repeatable)")
    ev.add_argument("--space-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                    help="an option of the search space (repeatable)")
    ev.add_argument("--metric", help="the table metric to rank by (default: the task's own)")
    ev.add_argument("--data-dir", help="folder holding benchmark data")
    ev.add_argument("--json", action="store_true", help="print a JSON list, one object per (predictor, size, seed)")

    px = sub.add_parser("proxies", help="score architectures with zero-cost proxies",
                        description="Build each architecture's network and score it on a real mini-batch.")
    px.add_argument("--space", default="nb201", help="search space (default nb201)")
    which = px.add_mutually_exclusive_group(required=True)
    which.add_argument("--archs-file", type=Path, help="file with one architecture string per line")
    which.add_argument("--sample", type=_positive_int, help="score N architectures drawn from the space")
    px.add_argument("--seed", type=_positive_int, default=0, help="seed for --sample and the proxies (default 0)")
    px.add_argument("--proxies", type=_name_list, default=["synflow"], help="comma-separated proxy names")
    px.add_argument("--dataset", default="cifar10", help="dataset of the mini-batch (default cifar10)")
    px.add_argument("--batch-size", type=_positive_int, default=64, help="mini-batch size (default 64)")
    px.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    px.add_argument("--data-dir", help="folder holding the dataset")
    px.add_argument("--space-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                    help="an option of the search space, e.g. channels=8 (repeatable)")
    px.add_argument("--json", action="store_true", help="print a JSON list of {arch, scores, seconds}")

    tr = sub.add_parser("train", help="train one architecture and report its accuracy")
    tr.add_argument("--space", default="nb201", help="search space (default nb201)")
    tr.add_argument("--arch", required=True, help="architecture string")
    tr.add_argument("--dataset", default="cifar10", help="cifar10 or imagenet (default cifar10)")
    tr.add_argument("--epochs", type=_positive_int, default=1, help="epochs to train (default 1)")
    tr.add_argument("--device", default="auto", help="cpu, cuda or auto (default auto)")
    tr.add_argument("--seed", type=_positive_int, default=0, help="seed (default 0)")
    tr.add_argument("--train-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                    help="a training option such as batch_size=256 or train_images=2000 (repeatable)")
    tr.add_argument("--space-opt", metavar="KEY=VALUE", type=_key_value, action="append", default=[],
                    help="an option of the search space, e.g. NB201's channels=8, cells=1 (repeatable)")
    tr.add_argument("--data-dir", help="folder holding the dataset")
    tr.add_argument("--json", action="store_true", help="print one JSON object")

    data = sub.add_parser("data", help="benchmark data").add_subparsers(dest="data_command", required=True,
                                                                        parser_class=_Parser)
    imp = data.add_parser("import", help="convert public benchmark files into nasloop's own table",
                          description="Convert a space's public benchmark files (recognised by content) into "
                                      "nasloop's own table, e.g. nb201.npz; later files override earlier ones "
                                      "for the cells they cover.")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--space", default="nb201", help="search space whose benchmark the files belong to (default nb201)")
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
    if args.plugin:
        stored = data.get("plugins") or []
        data["plugins"] = (list(stored) if isinstance(stored, list) else [stored]) + list(args.plugin)
    for kind in _OPTION_FLAGS:
        options = data.get(f"{kind}_options") or {}
        if not isinstance(options, dict):  # SearchConfig reports it, in one line, if no flag is merged in
            continue
        options = dict(options)
        options.update(getattr(args, f"{kind}_opt"))
        options.update({option: getattr(args, flag) for flag, (owner, option) in _SHORTHAND_FLAGS.items()
                        if owner == kind and getattr(args, flag) is not None})
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
        executor_flags = [f for f, (owner, _) in _SHORTHAND_FLAGS.items() if owner == "executor"]
        given = [f"--{n.replace('_', '-')}" for n in (*_CONFIG_FLAGS, *_SHORTHAND_FLAGS)
                 if n not in ("budget", "max_seconds", *executor_flags) and getattr(args, n) is not None]
        given += [f"--{k}-opt" for k in _OPTION_FLAGS if k != "executor" and getattr(args, f"{k}_opt")]
        given += ["--config"] if args.config else []
        if given:
            raise ConfigError(f"--resume continues a stored configuration; only the budget and where trials run "
                              f"(--workers, --ray-address, ...) may change (drop {', '.join(given)})")
        executor_options = dict(args.executor_opt)
        executor_options.update({_SHORTHAND_FLAGS[f][1]: getattr(args, f) for f in executor_flags
                                 if getattr(args, f) is not None})
        run = lambda: resume(args.resume, budget=args.budget, max_seconds=args.max_seconds,  # noqa: E731
                             executor_options=executor_options, on_progress=hook)
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
            ("evaluation cost", f"{summary['budget']['seconds_used']:.0f} s"
                                + (f" ({summary['budget']['seconds_estimated']} of the costs estimated: "
                                   "the table has no measured training time)"
                                   if summary['budget']['seconds_estimated'] else "")),
            ("wall time", f"{summary['wall_seconds']:.2f} s"),
            ("best architecture", best.get("arch", "-"))]
    rows += [(f"  {name}", f"{value:.4f}" if isinstance(value, float) else str(value))
             for name, value in metrics.items()]
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


def _cmd_list(registry: Registry) -> None:
    for name in registry.names():
        try:
            doc = (registry.get(name).__doc__ or "").strip().splitlines()
        except NasloopError as exc:  # a broken plugin is listed as such; the others still show
            doc = [f"(unusable: {exc})"]
        print(f"{name:16s} {doc[0] if doc else ''}")


def _cmd_import(args: argparse.Namespace) -> None:
    from .data.importing import import_benchmark_files
    from .data.paths import ENV_VAR, user_cache_dir

    space = SEARCH_SPACES.get(args.space)
    name = getattr(space, "benchmark", None)
    if name is None:
        raise ConfigError(f"search space '{args.space}' has no benchmark table to import; spaces with one: "
                          f"{', '.join(n for n in BENCHMARKS.names())}")
    out_dir = args.out or Path(os.environ.get(ENV_VAR) or user_cache_dir())
    table, found = import_benchmark_files(name, args.files)
    for path, what in found:
        print(f"{path}: {what}")
    saved = table.save(out_dir / BENCHMARKS.get(name).table_file)
    print(f"wrote {saved} ({len(table)} architectures; from {table.meta.get('source')})")


def _cmd_predictors(args: argparse.Namespace) -> None:
    if args.predictors_command is None:
        _cmd_list(PREDICTORS)
        return
    from ..predictors.evaluation import evaluate_predictors

    options = dict(args.predictor_opt)
    rows = evaluate_predictors(args.predictors, args.train_sizes, list(range(args.seeds)), space=args.space,
                               dataset=args.dataset, data_dir=args.data_dir, fidelity=args.fidelity,
                               metric=args.metric, predictor_options={name: options for name in args.predictors},
                               space_options=dict(args.space_opt))
    if args.json:
        print(json.dumps(rows))
        return
    import numpy as np
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"predictors on {args.space} {args.dataset} ({args.seeds} seeds, mean ± std)")
    for column in ("predictor", "train", "Kendall tau", "Spearman", "top-1% prec.", "top-5% prec.", "fit s",
                   "predict s"):
        table.add_column(column, justify="left" if column == "predictor" else "right")
    for name in args.predictors:
        for size in args.train_sizes:
            group = [r for r in rows if r["predictor"] == name and r["train_size"] == size]
            cell = lambda key, fmt: (f"{np.mean([r[key] for r in group]):{fmt}} ± "  # noqa: E731
                                     f"{np.std([r[key] for r in group]):{fmt}}")
            table.add_row(name, str(size), cell("kendall_tau", ".3f"), cell("spearman", ".3f"),
                          cell("precision_top1", ".2f"), cell("precision_top5", ".2f"), cell("fit_seconds", ".2f"),
                          cell("predict_seconds", ".3f"))
    Console().print(table)


def _read_archs(args: argparse.Namespace, space: Any) -> list[Any]:
    import numpy as np

    if args.sample is not None:
        rng = np.random.default_rng(args.seed)
        return [space.sample(rng) for _ in range(args.sample)]
    try:
        lines = args.archs_file.read_text().splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read --archs-file {args.archs_file}: {exc.strerror or exc}") from None
    archs = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                archs.append(space.parse(line.strip()))
            except NasloopError as exc:
                raise ConfigError(f"{args.archs_file} line {number}: {exc}") from None
    if not archs:
        raise ConfigError(f"{args.archs_file} holds no architectures; write one architecture string per line")
    return archs


def _space(args: argparse.Namespace) -> Any:
    """The search space of a ``proxies`` or ``train`` command, with its ``--space-opt`` options."""
    from .assemble import build_context, build_space

    context = build_context(SEARCH_SPACES.get(args.space), args.dataset, args.data_dir)
    return build_space(args.space, context, **dict(args.space_opt))


def _cmd_proxies(args: argparse.Namespace) -> None:
    space = _space(args)
    archs = _read_archs(args, space)
    from .evaluators.proxies import score_architectures

    rows = score_architectures(space, archs, args.proxies, dataset=args.dataset,
                               data_dir=args.data_dir, batch_size=args.batch_size, seed=args.seed,
                               device=args.device)
    if args.json:
        print(json.dumps(rows))
        return
    for row in rows:
        scores = "  ".join(f"{name}={value:.6g}" for name, value in row["scores"].items())
        print(f"{row['arch']}  {scores}  ({row['seconds']:.2f} s)")


def _cmd_train(args: argparse.Namespace) -> None:
    from .config import route_options
    from .evaluators.train import TrainingEvaluator

    train_options, space_options = route_options(dict(args.train_opt), TrainingEvaluator,
                                                 SEARCH_SPACES.get(args.space))
    args.space_opt = [*space_options.items(), *args.space_opt]  # the older --train-opt channels=8 still works
    space = _space(args)
    arch = space.parse(args.arch)
    from .evaluators.train import train_architecture

    metrics = train_architecture(space, arch, dataset=args.dataset, epochs=args.epochs,
                                 data_dir=args.data_dir, device=args.device, seed=args.seed, **train_options)
    if args.json:
        print(json.dumps(metrics))
        return
    for name, value in metrics.items():
        print(f"{name:20s} {value:.4f}" if isinstance(value, float) else f"{name:20s} {value}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    commands: dict[str, Callable[[], Any]] = {
        "search": lambda: _print_summary(_cmd_search(args), args.json),
        "show": lambda: _print_summary(summarize(args.run_dir), args.json),
        "export": lambda: print(RunStore.in_run_dir(args.run_dir).export(args.output, include_duplicates=args.all)),
        "spaces": lambda: _cmd_list(SEARCH_SPACES),
        "strategies": lambda: _cmd_list(STRATEGIES),
        "predictors": lambda: _cmd_predictors(args),
        "proxies": lambda: _cmd_proxies(args),
        "train": lambda: _cmd_train(args),
        "evaluators": lambda: _cmd_list(EVALUATORS),
        "executors": lambda: _cmd_list(EXECUTORS),
        "data": lambda: _cmd_import(args),
    }
    try:
        load_plugins(args.plugin)
        commands[args.command]()
    except NasloopError as exc:
        print(f"nasloop {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        where = getattr(args, "resume", None) or getattr(args, "run_dir", None)
        hint = f"; continue with 'nasloop search --resume {where}'" if args.command == "search" and where else ""
        print(f"nasloop {args.command}: interrupted{hint}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left early (``nasloop show --json | head``): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush does not fail again
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main())
