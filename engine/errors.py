"""User-facing errors.

Every error a user can cause (bad flag, bad config, bad architecture string, missing or corrupt
data) is a :class:`NasloopError`. Its message is one line that names the problem and the fix; the
CLI prints it without a traceback. Anything else escaping is a bug in nasloop.
"""

import os
import traceback
from typing import Iterable, Sequence


class NasloopError(Exception):
    """An error caused by the user's input, reported as one line."""


class ConfigError(NasloopError):
    """A configuration value or command-line flag is invalid."""


class PluginFault(ConfigError):
    """A user's plugin returned what nasloop refuses (a predictor's NaN means, a strategy's ask of no architecture),
    or raised (:mod:`.plugin_crash`), found as the run uses it: a fix of the plugin's code, not of the run's
    configuration, lets the run continue where it stopped, so one raised after evaluations leaves the run
    interrupted, to resume, not failed. Where the plugin raised, what it raised is the ``__cause__``: a Python caller
    of ``search()`` who caught the plugin's own ValueError before plugins were named catches this (exported as
    ``nasloop.PluginFault``) and reads that one there, as README's Python API says."""


class ExecutorLost(NasloopError):
    """What ran a search's trials went away under it (a Ray cluster it joined, stopped): nothing the user gave was
    wrong and nothing stored is lost, so the run is stored interrupted, to resume once it runs again, not failed."""


class ArchitectureError(NasloopError, ValueError):
    """An architecture string or value does not belong to the search space."""


class NetworkBuildError(ArchitectureError):
    """A user's space's ``to_module`` raised on an architecture: that architecture fails alone, as one its evaluator
    refuses does, but the message is the space's (its code failed; no evaluator refused anything)."""


class DataError(NasloopError):
    """A benchmark or dataset file is missing, unreadable or malformed."""


class MissingDataError(DataError):
    """A data file is in none of the data folders (as opposed to present but unreadable): a run
    that can go without it (proxies computed instead of read) may."""


class RegistryError(NasloopError, KeyError):
    """A plugin name is unknown, or registered twice."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnsupportedError(NasloopError):
    """A plugin was asked for something it does not offer (e.g. neighbours of a continuous space)."""


def one_line(text: object, limit: int | None = None) -> str:
    """``text`` with every run of whitespace (newlines included) made one space, cut to ``limit``.

    File names, and names and messages read from a file, reach error messages: this keeps each
    message on one line, and a limit keeps a hostile or garbled file from filling the screen.
    """
    flat = " ".join(str(text).split())
    return flat if limit is None or len(flat) <= limit else flat[:limit - 3] + "..."


_CONTROLS = {code: repr(chr(code))[1:-1] for code in (*range(32), *range(127, 160), 0x2028, 0x2029)}


def printable(text: str) -> str:
    """``text`` with each control character written as Python's repr writes it (``\\n``, ``\\x1b``): a path a user
    gave (``NASLOOP_DATA``, ``--data-dir``) may hold a newline, which split the one line that quoted it over two (or a
    terminal's escape, which redrew the screen). Every line the CLI prints of what went wrong passes through here,
    so no message need escape the paths it quotes itself."""
    return text.translate(_CONTROLS)


def describe_exception(exc: BaseException) -> str:
    """``Type: first line of the message (at file:line)`` of the innermost frame, for the store.

    Enough to find a crash; library errors (torch's carry a C++ stack) are cut to their first
    line so a failure reason, and the summary that quotes it, stays one line.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {one_line(lines[0] if lines else 'no details', 300)}{where}"


def first_few(items: Sequence[str], most: int) -> str:
    """The first ``most`` of ``items`` joined by commas, and how many more there are ("a, b and 4 more"): a
    message naming what is wrong stays one readable line however many things are."""
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def refuse_single(name: str, values: object, fix: str, items: str = "") -> None:
    """One line where one value is given for ``name``, which takes a list: a string was read letter by letter
    (a bare 'flan' refused as "unknown predictor 'f'", a file as "f is not a file") and a number failed in
    Python's words. Nothing is consumed, so an iterator given stays whole for its reader."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        kind = "the string " if isinstance(values, (str, bytes)) else ""
        raise ConfigError(f"{name} takes a list{' of ' + items if items else ''}, got {kind}"
                          f"{one_line(repr(values), 80)}; pass {fix}")


def as_paths(name: str, values: object, items: str) -> list:
    """``values``, a list of files (or modules), as text: a pathlib.Path is as good as its text, and anything else
    is one line naming it, where resume(plugins=[5]) stopped in Path's TypeError and a Path in its 'endswith'."""
    refuse_single(name, values, f"[{values!r}]", items)
    listed = [os.fspath(value) if isinstance(value, os.PathLike) else value for value in values]  # type: ignore
    for value in listed:
        if not isinstance(value, str):
            raise ConfigError(f"{name} takes a list of {items}, got {one_line(repr(value), 80)} in it; give each "
                              "as text or a pathlib.Path")
    return listed


def checked_folder(name: str, value: object) -> str | None:
    """``value``, a folder given from Python or a config file, as text: a pathlib.Path is as good as its text; one
    line for what is no path (Path's or os.path's TypeError) or an empty one, which silently meant the default
    folder (the default data folders, no TensorBoard log, the current folder), where ``--run-dir ''`` is refused.
    The folders a run is given (SearchConfig's fields, resume()'s data_dir, train_architecture()'s run_dir, and the
    data folder of the pieces that read data) are checked here, so one mistake reads the same line wherever it is
    made; a run folder to read (resume()'s, show's) is RunStore.in_run_dir's, which names the folder a search wrote."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{name} is a folder, as text or a pathlib.Path, got {one_line(repr(value), 80)}; give a "
                          "folder name, or leave it out")
    if value is not None and not value.strip():
        raise ConfigError(f"{name} is an empty path; give a folder name, or leave it out (an unset variable where it "
                          "was written?)")
    return value


def as_list(name: str, values: object, fix: str, items: str = "") -> list:
    """``values`` as a list, or :func:`refuse_single`'s one line."""
    refuse_single(name, values, fix, items)
    return list(values)  # type: ignore[call-overload]


def check_base_init(plugin: object, kind: str, name: str, attribute: str, call: str) -> None:
    """One line for a plugin (registered as ``name``) whose ``__init__`` skipped its base class's (which sets
    ``attribute``): it failed later as an AttributeError inside nasloop ('object has no attribute 'rng''), naming
    no plugin and no fix."""
    if attribute not in vars(plugin):
        raise ConfigError(f"{kind} {name}: its __init__ does not call {call}, which sets up what every {kind} needs; "
                          "call it at the start of __init__")


def check_requires(plugin: type, kind: str) -> None:
    """One line, as the class is defined, for a ``requires`` that is not a tuple of capability classes (``requires =
    NeighbourhoodSpace``, the tuple forgotten): it failed as an 'unexpected' TypeError when a run checked it."""
    requires = plugin.__dict__.get("requires", ())
    if not isinstance(requires, tuple) or not all(isinstance(r, type) or isinstance(r, tuple) and r
                                                  and all(isinstance(c, type) for c in r) for r in requires):
        raise ConfigError(f"{kind} {plugin.__name__}: requires is {requires!r:.80}, not a tuple of capability classes; "
                          "write requires = (NeighbourhoodSpace,) with the classes of nasloop.search_spaces.base (a "
                          "tuple inside it where any one of its classes will do)")
