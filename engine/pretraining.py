"""``nasloop predictors pretrain``'s driver: benchmark tables in, a pretrained predictor's file out.

The command names spaces and a predictor. This module checks them, builds each space with its table's context,
draws the training cells and their targets, builds the predictor with its options (for each space in turn, each
later one starting from the file the previous one wrote, or once on their mix with ``joint``), fits it and has
it save. The predictor, a :class:`~nasloop.predictors.base.Pretrainable`, only saves what it learned and refuses
what it cannot learn from: it resolves no names and reads no tables, so a user's one is as short as FLAN's.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..predictors.base import Pretrainable
from ..predictors.mixed_space import MixedSpace
from ..search_spaces.base import SearchSpace
from .assemble import build_space, choose_tabulated_space, default_dataset, space_cells, table_context
from .config import construct
from .context import RunContext
from .errors import ConfigError
from .options import Seed, check_value, option_names
from .predictor_options import options_per_predictor
from .registry import PREDICTORS, SEARCH_SPACES
from .scratch_folders import scratch_folder
from .types import Arch
from .user_files import not_a_file


def pretrainable(name: str) -> type[Pretrainable]:
    """The predictor registered as ``name``, refused in one line before anything is read when its class cannot be
    pretrained."""
    chosen = PREDICTORS.get(name)
    if not (isinstance(chosen, type) and issubclass(chosen, Pretrainable)):
        raise ConfigError(f"predictor '{name}' cannot be pretrained (its class is no "
                          "nasloop.predictors.base.Pretrainable); give --predictor flan, or one that is")
    return chosen


def pretrain(spaces: Sequence[str], out: str | os.PathLike, predictor: str | type[Pretrainable] = "flan",
             dataset: str | None = None, train_size: int | None = None, seed: int = 0, data_dir: str | None = None,
             predictor_options: dict[str, Any] | None = None, on_space: Callable[[str, int], None] | None = None,
             joint: bool = False, overwrite: bool = False) -> dict[str, Any]:
    """Fit ``predictor`` (a registered name, or a Pretrainable class) on the spaces' benchmark cells and save it
    to ``out`` (an existing file only with ``overwrite``: pretraining can take many minutes, and searches started
    from a file refuse to resume once it changes).

    In turn by default (each space after the first fine-tunes what the earlier ones taught, through the class's
    ``start_option``), or, with ``joint``, once on the mix of all of them (``MixedSpace``: each space's targets
    standardised on their own). ``train_size`` cells per space (a seeded draw; all of them by default) with the
    task's own metric as target; ``on_space(name, cells)`` hears each space done. Returns ``model`` (what the
    command's line calls the fitted model), ``spaces``, ``cells``, ``seconds`` and ``file``.
    """
    label = predictor if isinstance(predictor, str) else PREDICTORS.label(predictor)
    cls = pretrainable(predictor) if isinstance(predictor, str) else predictor
    model = cls.pretrained_model_name(label)
    if not spaces:
        raise ConfigError("name at least one space to pretrain on, e.g. --space nb101")
    options = _options(predictor_options or {}, cls, label, model)
    start = cls.start_option
    if start is not None and start in options:
        raise ConfigError(f"predictors pretrain writes a pretrained file; drop the {start} option (to continue "
                          "from a file, list its spaces again)")
    listed = next((name for name in spaces if "," in str(name)), None)
    if listed is not None:  # refused as "unknown search space 'nb201,nb101'", as if the names were wrong
        raise ConfigError(f"--space takes one space, got '{listed}'; repeat it for each: "
                          + " ".join(f"--space {part.strip()}" for part in str(listed).split(",") if part.strip()))
    twice = next((name for name in spaces if spaces.count(name) > 1), None)
    if twice is not None:  # fitted twice on one seeded draw, and counted twice in the file
        raise ConfigError(f"--space {twice} is named twice; name each space once")
    if joint and len(set(spaces)) < 2:
        raise ConfigError(f"--joint fits one model on a mix of at least two different spaces, got "
                          f"{', '.join(dict.fromkeys(spaces))}; name another --space or drop --joint")
    if not joint and len(spaces) > 1 and start is None:
        raise ConfigError(f"{model} cannot start a fit from the file of an earlier space (its class names no "
                          "start_option), so it is not fitted on one space after another; add --joint to fit it "
                          "once on their mix, or name one --space")
    cls.check_pretraining(options, joint)
    check_value("seed", seed, Seed)  # -1 failed in numpy's words after the tables were read, as an unexpected error
    if train_size is not None and train_size < 2:
        raise ConfigError(f"--train-size must be at least 2 (a ranking needs two cells), got {train_size}; leave it "
                          "out to learn from every cell")
    out = Path(out)
    if out.is_file() and not overwrite:
        raise ConfigError(f"--out {out} already exists; give another file, or add --overwrite to replace it (a "
                          "search started from it then refuses to resume)")
    started = time.perf_counter()
    parts = []  # (space, context, cells, targets): every space is read, and checked, before the first fit
    for name in spaces:
        factory = SEARCH_SPACES.get(name)  # without a table, training_cells says why, in the command's words
        context = table_context(factory, dataset or default_dataset(name), data_dir)
        space = build_space(name, context)
        cells, target = training_cells(space, context, train_size, seed)
        cls.check_pretraining_space(space)
        parts.append((space, context, cells, target))

    def build(space: SearchSpace, context: RunContext, **more: Any) -> Any:
        return construct("predictor", label, cls, space, wiring={"context": context, "seed": seed}, **options, **more)

    if joint:
        done, total = _fit_joint(parts, list(spaces), out, build)
    else:
        # each space's predictor is built now, so an option one space cannot take fails before any fit
        cls.check_chain({space.name: build(space, context) for space, context, _, _ in parts})
        check_writable(out)
        done, total = _fit_in_turn(parts, out, build, start, on_space)
    if joint and on_space is not None:  # each space is done when the one fit is
        for space, _, cells, _ in parts:
            on_space(space.name, len(cells))
    return {"model": model, "spaces": done, "cells": total, "seconds": round(time.perf_counter() - started, 1),
            "file": str(out)}


def _fit_in_turn(parts: list[tuple[SearchSpace, RunContext, list[Arch], np.ndarray]], out: Path,
                 build: Callable[..., Any], start: str | None,
                 on_space: Callable[[str, int], None] | None) -> tuple[list[str], int]:
    """Each space but the last is saved to a scratch file the next one starts from (through ``start``); only the
    last writes ``out``, so an interrupted chain leaves ``out`` as it was, a previous file included. The scratch
    folder of a pretrain killed outright is removed by the next one (:mod:`.scratch_folders`)."""
    done: list[str] = []
    total = 0
    with scratch_folder("nasloop-pretrain-") as scratch:
        for index, (space, context, cells, target) in enumerate(parts):
            chained = {start: str(Path(scratch) / f"after-{index - 1}.pt")} if index and start else {}
            predictor = build(space, context, **chained)
            predictor.fit(cells, target)
            done.append(space.name)
            total += len(cells)
            last = index == len(parts) - 1
            predictor.save_pretrained(out if last else Path(scratch) / f"after-{index}.pt", list(done), total)
            if on_space is not None:
                on_space(space.name, len(cells))
    return done, total


def _fit_joint(parts: list[tuple[SearchSpace, RunContext, list[Arch], np.ndarray]], names: list[str], out: Path,
               build: Callable[..., Any]) -> tuple[list[str], int]:
    """One fit on the mix of the spaces, each space's targets standardised on their own (accuracies of different
    benchmarks are on different scales)."""
    mix = MixedSpace([space for space, _, _, _ in parts])
    predictor = build(mix, parts[0][1])
    check_writable(out)
    predictor.fit([(i, arch) for i, (_, _, cells, _) in enumerate(parts) for arch in cells],
                  np.concatenate([(target - target.mean()) / (target.std() or 1.0) for _, _, _, target in parts]))
    total = sum(len(cells) for _, _, cells, _ in parts)
    predictor.save_pretrained(out, names, total)
    return names, total


def _options(given: dict[str, Any], cls: type, fitted: str, model: str) -> dict[str, Any]:
    """The options of ``--predictor-opt`` for the predictor ``fitted``, read as search and ``predictors evaluate``
    read them (:func:`options_per_predictor`: ``NAME.KEY`` as ``KEY``, beating a ``KEY`` given too). An option for
    another predictor is named first, since pretrain fits that one alone."""
    for key in given:
        name, dot, _ = str(key).partition(".")
        if dot and name != fitted:
            first = next(iter(option_names(cls)), "KEY")
            raise ConfigError(f"--predictor-opt {key} is for predictor '{name}', and predictors pretrain fits {model} "
                              f"only; drop it, or give a {model} option ({first}=..., or {fitted}.{first}=...)")
    return options_per_predictor([fitted], given)[fitted]


def training_cells(space: SearchSpace, context: RunContext, train_size: int | None,
                   seed: int) -> tuple[list[Arch], np.ndarray]:
    """A seeded draw of ``train_size`` of the benchmark's cells with a result (all by default), and
    their targets, oriented so that higher is better."""
    benchmark = context.require_benchmark("predictors pretrain", space, lambda: choose_tabulated_space(space))
    task = benchmark.task(context.dataset)
    cells = space_cells(benchmark, space)
    y = benchmark.metric_values(cells, task.name)
    keep = np.flatnonzero(np.isfinite(y))
    if train_size is not None and train_size > len(keep):  # was a silent fit on all of them, for 24 minutes
        raise ConfigError(f"--train-size {train_size} exceeds the {len(keep):,} {space.name} {task.name} cells "
                          f"with a result; give at most {len(keep)}, or leave it out to learn from every cell")
    keep = np.random.default_rng(seed).permutation(keep)[:train_size] if train_size else keep
    return [cells[i] for i in keep], -y[keep] if task.minimize else y[keep]


def check_writable(path: Path) -> None:
    """One line, before any fitting, when ``path`` cannot become the pretrained file."""
    if path.is_dir() or not path.name:
        raise ConfigError(f"--out {path} is a folder; give a file name in it, e.g. {path / 'flan.pt'}")
    if not_a_file(path):  # the command line refuses it as it parses; a script reaches here
        raise ConfigError(f"--out {path} is a pipe, device or socket, not a file; give a file name")
    blocking = next((folder for folder in path.parents if folder.exists() and not folder.is_dir()), None)
    if blocking is not None:  # mkdir's own words, "File exists", named neither the file nor what was wrong
        raise ConfigError(f"cannot write --out {path}: {blocking} is a file, not a folder; give another file")
    try:  # a probe of its own: the shared 'F.partial' it opened and removed was another pretrain's, writing F
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise ConfigError(f"cannot write --out {path} ({exc.strerror or exc}); give another file") from None
