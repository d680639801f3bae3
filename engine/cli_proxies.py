"""``nasloop proxies``: score architectures' networks with zero-cost proxies, or precompute a whole space's.

A list is printed; with ``--out`` the rows are appended to a proxy file as they come (continued by the
same command, spread over an executor), which the space's table loader then serves as stored proxies.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

import numpy as np

from ..search_spaces.base import SearchSpace, enumerable, table_only_flag
from .assemble import build_context, build_space, parse_user_arch
from .cli_shorthand import check_shorthand
from .config import construct
from .context import PRECOMPUTE_REFUSED, RunContext
from .data.paths import looked_in
from .data.proxy_file import FAILED, file_name, find_proxy_file
from .errors import ConfigError, NasloopError, printable
from .export import print_json
from .progress import progress
from .proxy_registry import resolve
from .registry import EXECUTORS, SEARCH_SPACES, defined_by_nasloop
from .space_networks import require_networks
from .user_files import read_user_text

COMMENT = re.compile(r"(?:^|\s)#")
"""Where a comment starts in an ``--archs-file`` line: a ``#`` at its start or after a space, as in a shell
script (no built-in space writes ``#`` in an architecture)."""


def _precompute_proxies(args: argparse.Namespace, context: RunContext, space: SearchSpace, archs: list[Any]
                        ) -> None:
    from .proxy_precompute import precompute  # torch, for the networks

    options = {"workers": args.workers} if args.workers else {}
    with construct("executor", args.executor, EXECUTORS.get(args.executor), **options) as executor:
        with progress("scoring", len(archs)) as advance:
            summary = precompute(space, archs, args.proxies, args.out, context, executor, args.batch_size,
                                 args.seed, args.device, on_row=lambda text: advance(text[:40]),
                                 space_options=dict(args.space_opt),
                                 on_skip=lambda count: advance(f"{count} already there or repeated", count))
    repeated = summary["repeated"]  # a sample's duplicates, scored once: not in the file before
    print(f"{args.out}: {_scored(summary)}"
          + (f", {repeated} repeated in the list (scored once)" if repeated else "")
          + (f"; {summary['failed']} failed, their rows empty (the first: {summary['reason']})"
             if summary["failed"] else "")
          + (f"; {summary['errors']} scores failed (the first: {summary['error']}), written '{FAILED}': run the "
             "same command again to score them" if summary["errors"] else "")
          + _again(summary))
    note = _unread_note(args, context, space)
    if note:  # named and on stderr as every other command's notes: a bare line on stdout read as one of the summary's
        print(f"nasloop proxies: {printable(note)}", file=sys.stderr)


def _scored(summary: dict[str, Any]) -> str:
    """The summary's words for the rows written: with proxies added to a file, which proxies went to how many of the
    architectures it held and how many architectures were new to it ('nwot added to the 2 architectures it held; 2
    architectures scored, 0 already there' counted the held ones as scored, and said neither)."""
    if not summary["added"]:
        return f"{summary['scored']} architectures scored, {summary['skipped']} already there"
    before = f"; {summary['skipped']:,} rows were in already, written by a stopped run" if summary["skipped"] else ""
    return (f"{', '.join(summary['added'])} added to the {summary['held']:,} architectures the file held, and "
            f"{summary['new']:,} architectures new to it scored with every proxy{before}")


def _again(summary: dict[str, Any]) -> str:
    """The summary's words for the scores written ``failed`` before that failed again when scored again: they fail
    the same way at every continuation, where the summary asked for one more each time without saying so."""
    if not summary["again"]:
        return ""
    return (f"; {summary['again']} of the {summary['retried']} scores written '{FAILED}' before failed again, as "
            f"they did then (the first: {summary['again_first']}): a network's own error (a shape mismatch) fails "
            "the same way at every continuation, which tries them once more; out of memory needs a larger device")


def _unread_note(args: argparse.Namespace, context: RunContext, space: SearchSpace) -> str:
    """One line where runs will not read (all of) the file written: its proxies the benchmark stores come from the
    table (the README's own NB201 CIFAR-10 example wrote params, synflow and jacov, which runs take from
    NAS-Bench-Suite-Zero's file), and a file elsewhere or under another name than the data folders' proxy file is
    read by no run. Said with this command's data folders (--data-dir, $NASLOOP_DATA, the cache); empty otherwise."""
    names = [p.name for p in resolve(args.proxies)]
    parts = []
    try:
        stored = context.table_proxies(space, names)
    except NasloopError:  # the table cannot be read: runs compute or read the file, as this command did
        stored = []
    if stored:
        benchmark = context.benchmark.name if context.benchmark is not None else space.name
        parts.append(f"runs take {', '.join(stored)} from {benchmark}'s stored proxies for {context.dataset}, not "
                     "from this file (stored ones come first; a file serves proxies the table lacks, or networks "
                     "built at another size with --space-opt)")
    if len(stored) < len(names):
        expected = file_name(space.name, str(context.dataset))
        try:
            found = find_proxy_file(space.name, str(context.dataset), args.data_dir)
        except NasloopError:
            found = None
        if found is not None and not os.path.samefile(found, args.out):
            parts.append(f"runs read {found} (the first {expected} in the data folders), not this file: put this "
                         "one in its place for runs to read it")
        elif found is None:
            parts.append(f"runs read a proxy file only as {expected} in a data folder ({looked_in(args.data_dir)}): "
                         "move or rename this one there for runs to read it")
    return f"note: {'; '.join(parts)}" if parts else ""


def _refuse_unlisted(space: SearchSpace) -> None:
    """``--all`` on a space that lists no architectures: checked before ``--out`` is asked for, since on NAGO the
    advice to give it led to this second refusal."""
    if not enumerable(space):
        kept = table_only_flag(space).strip()
        own = "" if defined_by_nasloop(type(space)) else (  # a user's space may list them: say how
            ", or derive the space from EnumerableSpace and define size and enumerate")
        raise ConfigError(f"--all needs a space that lists its architectures; '{space.name}' does not (use "
                          + (f"{kept} for its table's cells, " if kept else "")
                          + f"--sample N or --archs-file{own})")


def _read_archs(args: argparse.Namespace, space: SearchSpace) -> list[Any]:
    if args.all:
        return list(space.enumerate())
    if args.sample is not None:
        return _distinct_sample(space, args.sample, np.random.default_rng(args.seed))
    lines = read_user_text(args.archs_file, "--archs-file").splitlines()
    archs = []
    for number, line in enumerate(lines, start=1):
        text = COMMENT.split(line, maxsplit=1)[0].strip()
        if text:
            try:
                archs.append(parse_user_arch(space, args.space, text))
            except NasloopError as exc:
                raise ConfigError(f"{args.archs_file} line {number}: {exc}") from None
    if not archs:
        raise ConfigError(f"{args.archs_file} holds no architectures; write one architecture string per line")
    return archs


SAMPLE_TRIES = 100
"""Draws per architecture asked of ``--sample`` before a space (unbounded or not listed whole) is taken to hold no
more."""


def _distinct_sample(space: SearchSpace, count: int, rng: np.random.Generator) -> list[Any]:
    """``count`` different architectures drawn at random: drawn with replacement, ``--sample 20000`` of NB201's
    15,625 cells gave 20,000 rows of 11,340 cells, some scored twice."""
    size = space.size
    if size is not None and count > size:
        raise ConfigError(f"--sample {count} exceeds the {size:,} architectures of {space.name}; give --sample "
                          f"{size} or less, or --all")
    drawn: dict[str, Any] = {}
    for _ in range(SAMPLE_TRIES * count):
        arch = space.sample(rng)
        drawn.setdefault(space.hash(arch), arch)
        if len(drawn) == count:
            return list(drawn.values())
    raise ConfigError(f"--sample {count}: {SAMPLE_TRIES * count:,} draws from {space.name} gave only {len(drawn):,} "
                      f"different architectures; give --sample {len(drawn)} or less")


def command_context(args: argparse.Namespace) -> RunContext:
    """The run context of a ``proxies`` or ``train`` command (its space's benchmark, dataset and data folder)."""
    return build_context(SEARCH_SPACES.get(args.space), args.dataset, args.data_dir)


def command_space(args: argparse.Namespace, context: RunContext) -> SearchSpace:
    """The search space of a ``proxies`` or ``train`` command, with its ``--space-opt`` options."""
    return build_space(args.space, context, **dict(args.space_opt))


def cmd_proxies(args: argparse.Namespace) -> None:
    context = command_context(args)
    # Proxies score networks on image batches; on a table's task without images (TransNAS-Bench-101's class_scene)
    # data-free ones are scored as runs compute them there (refused, no file could serve those runs), and one that
    # reads images is refused naming what serves the task instead: the proxies the table stores.
    scored_on = context.computed_on(args.proxies, *PRECOMPUTE_REFUSED)
    space = command_space(args, context)
    from .proxy_batches import IMAGE_DEFAULTS
    from .proxy_scoring import dataset_shape, folder_images

    require_networks(space, "zero-cost proxies")  # first: the advice of the refusals below leads to this one
    named = {name for name in ("resolution", "crop_fraction") if getattr(args, name) is not None}  # given at all
    args.resolution = IMAGE_DEFAULTS["resolution"] if args.resolution is None else args.resolution
    args.crop_fraction = IMAGE_DEFAULTS["crop_fraction"] if args.crop_fraction is None else args.crop_fraction
    images = folder_images(scored_on, args.image_dir, args.data_dir, args.resolution, args.crop_fraction,
                           lambda value: f"--image-dir {value}",
                           lambda name, value: f"--{name.replace('_', '-')} {value}", named)  # in this command's flags
    if images is not None and args.out is not None:
        raise ConfigError("--out writes a proxy file that runs read as stored proxies of a dataset, and its settings "
                          "name no image folder, so one folder's scores would serve runs on any other; print the "
                          "scores (--json) instead of --out")
    # in this command's flags: the scorer's advised --predictor-opt, and --out's evaluator --evaluator tabular/train
    dataset_shape(scored_on, "score a space of CIFAR-10 networks with --dataset cifar10", images)
    if args.all:
        _refuse_unlisted(space)
    if args.all and args.out is None:
        raise ConfigError("--all scores a whole space: give --out FILE to write the rows as they come")
    if args.out is None and (args.executor != "inprocess" or args.workers):
        raise ConfigError("--executor and --workers spread the rows of --out FILE; give --out")
    if args.workers:  # as search says it: "executor 'inprocess' has no option 'workers'" named no executor that has
        check_shorthand("executor", args.executor, {"workers": "workers"})
    archs = _read_archs(args, space)
    if args.out is not None:
        _precompute_proxies(args, context, space, archs)
        return
    from .proxy_scoring import score_architectures

    with progress("scoring", len(archs)) as advance:
        rows = score_architectures(space, archs, args.proxies, dataset=scored_on,
                                   data_dir=args.data_dir, batch_size=args.batch_size, seed=args.seed,
                                   device=args.device, on_result=lambda r: advance(r["arch"][:40]),
                                   image_dir=args.image_dir, resolution=args.resolution,
                                   crop_fraction=args.crop_fraction)
    if args.json:
        print_json(rows)
        return
    for row in rows:  # an undefined score (jacov of a cell without an input-output path) reads as its reason
        reasons = set(row.get("errors", {}).values())
        if len(reasons) == 1 and all(value is None for value in row["scores"].values()):  # every proxy, one reason
            print(f"{row['arch']}  failed: {reasons.pop()}  ({row['seconds']:.2f} s)")
            continue
        scores = "  ".join(_shown(row, name, value) for name, value in row["scores"].items())
        print(f"{row['arch']}  {scores}  ({row['seconds']:.2f} s)")


def _shown(row: dict[str, Any], name: str, value: float | None) -> str:
    """One proxy's score in a printed row: its value; ``failed`` and the error where it raised a RuntimeError (out of
    memory, a shape mismatch), as the --out summary and file say (it printed as undefined, which is the network's:
    no input-output path); else undefined and why."""
    from .proxy_scoring import failure

    if value is not None:
        return f"{name}={value:.6g}"
    if name in row.get("failed", ()):
        return f"{name}={FAILED} ({failure(name, row['errors'][name])})"
    return f"{name}=undefined ({row['errors'][name]})"
