"""A user's plugin that raises as a run uses it, named as that plugin's fault.

nasloop refuses a user's plugin whose output breaks its contract (a predictor's NaN means, a strategy asking for
nothing) as a :class:`~.errors.PluginFault` naming the plugin, and a run holding evaluations then stands,
interrupted, to resume once the plugin is fixed. The same plugin raising instead (a predictor's ``_fit`` failing
after the strategy's random start, a strategy's ``ask``, a space's ``mutate``, an evaluator's ``metric_names``, a
benchmark's ``proxy_scores``) ended the run as an "unexpected" error of exit status 1 at the innermost line, which
may be numpy's, naming neither the plugin nor its method. :func:`plugin_crashes_named` gives it the PluginFault's
line: the plugin, the method nasloop called on it, and the line of the user's own code that raised.

A frame is a plugin's when its ``self`` is a plugin (any kind's base class is :class:`~.options.Configurable`) of
a user's class and its code is the user's (its module is not nasloop's): a user's subclass of nasloop's strategy
failing in nasloop's inherited code is nasloop's to answer for, and stays unexpected, whether the user's class
overrides the method and calls ``super()`` or not (where nasloop's own line raised), as does an error no
user's code is on the way to. An OS error (a file the user's code cannot reach, a full disk) keeps its own line, which
says where it was raised and how to continue.
"""
from __future__ import annotations

import os
import sqlite3
import sysconfig
import traceback
from contextlib import contextmanager
from types import FrameType
from typing import Iterator

from .errors import NasloopError, PluginFault, one_line
from .options import Configurable
from .registry import (BENCHMARKS, EVALUATORS, EXECUTORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, Registry,
                       defined_by_nasloop)

_REGISTRIES: dict[str, Registry] = {r.kind: r for r in (SEARCH_SPACES, STRATEGIES, PREDICTORS, EVALUATORS,
                                                        EXECUTORS, BENCHMARKS)}


@contextmanager
def plugin_crashes_named() -> Iterator[None]:
    """Raise what a user's plugin raises inside the block as the :class:`PluginFault` that names it
    (:func:`plugin_crash`); anything else as it was raised."""
    try:
        yield
    except Exception as exc:
        fault = plugin_crash(exc)
        if fault is None:
            raise
        raise fault from exc


def plugin_crash(exc: BaseException, fix: str = "fix it") -> PluginFault | None:
    """The one line for ``exc`` raised in a user's plugin: ``predictor NAME: _fit raised RuntimeError: why (at
    FILE:LINE); fix it``, FILE:LINE the innermost line of the user's own code (not a library's it called); None
    where no user's plugin's code is on its way (or it is nasloop's own error, or an OS error). ``fix`` ends it: a
    constructor refusing its options is mended by other options as well as by a fix of its code."""
    if isinstance(exc, (NasloopError, OSError, sqlite3.Error)) or not isinstance(exc, Exception):
        return None
    frames = list(traceback.walk_tb(exc.__traceback__))
    owners = [frame.f_locals.get("self") for frame, _ in frames]
    plugin, method, at = None, "", -1
    for index, ((frame, _), owner) in enumerate(zip(frames, owners)):
        if _users(owner) and _users_code(frame) and owner is not plugin:  # the method nasloop (or a plugin) called
            plugin, method, at = owner, frame.f_code.co_name, index
    if plugin is None:
        return None
    if not _users_code(frames[-1][0]):  # nasloop's own line raised, reached through the user's override calling
        return None  # super(): nasloop's to answer for, with its traceback (a library's raising stays the caller's)
    kind = type(plugin).plugin_kind
    label = _REGISTRIES[kind].label(plugin) if kind in _REGISTRIES else type(plugin).__name__
    named = f"{kind} '{label}'" if kind in ("search space", "benchmark") else f"{kind} {label}"  # as their refusals
    holder = next((o for o in owners[:at] if kind == "predictor" and _kind(o) == kind
                   and any(member is plugin for member in o.held)), None)
    if holder is not None:  # a blend's member: the user wrote the member, and may not know what holds it
        named += f" (a member of {PREDICTORS.label(holder)})"
    called, line = frames[at]  # where the user's line is none of its own files (an installed plugin package)
    file, line = next(((frame.f_code.co_filename, line) for frame, line in reversed(frames[at:])
                       if _users_code(frame) and not _library(frame.f_code.co_filename)),
                      (called.f_code.co_filename, line))
    lines = [text.strip() for text in str(exc).splitlines() if text.strip()]
    why = one_line(lines[0] if lines else "no details", 300)
    return PluginFault(f"{named}: {method} raised {type(exc).__name__}: {why} (at {file}:{line}); {fix}")


def _kind(owner: object) -> str | None:
    """The plugin kind of ``owner`` (a frame's ``self``), None where it is no plugin."""
    return type(owner).plugin_kind if isinstance(owner, Configurable) else None


def _users(owner: object) -> bool:
    """Whether ``owner`` (a frame's ``self``) is a plugin of a user's class."""
    return isinstance(owner, Configurable) and not defined_by_nasloop(type(owner))


def _users_code(frame: FrameType) -> bool:
    """Whether ``frame`` runs code outside nasloop (by its module's name, as :func:`.registry.defined_by_nasloop`
    tells a user's class: a plugin file beside nasloop's own, ``examples/``, is the user's)."""
    module = str(frame.f_globals.get("__name__", ""))
    return module != "nasloop" and not module.startswith("nasloop.")


def _library(filename: str) -> bool:
    """Whether ``filename`` is Python's standard library or an installed package's (numpy's, torch's), or code
    without a file: the user's line is the one that called it."""
    paths = sysconfig.get_paths()
    folders = tuple(os.path.realpath(paths[k]) + os.sep for k in ("stdlib", "platstdlib", "purelib", "platlib")
                    if paths.get(k))
    return filename.startswith("<") or os.path.realpath(filename).startswith(folders) or \
        f"{os.sep}site-packages{os.sep}" in filename or f"{os.sep}dist-packages{os.sep}" in filename
