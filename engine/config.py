"""Search configuration: one dataclass, readable from YAML, overridable by command-line flags."""
from __future__ import annotations

import contextlib
import dataclasses
import difflib
import inspect
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Mapping

from .errors import ConfigError, MissingDataError, checked_folder, one_line
from .objectives import (Objective, check_objective_mappings, check_reference_mapping, check_reference_point,
                         check_single_objective, parse_objectives)
from .method_signatures import refuse_uncallable_methods
from .option_data import refuse_unstorable_options
from .plugin_crash import plugin_crash
from .options import (Configurable, Fidelity, Name, PositiveFloat, PositiveInt, Seed, check_fields, check_options,
                      option_names, plain, takes)
from .registry import defined_by_nasloop
from .shorthand_flags import FLAG_KEYS, PYTHON_KEYS, python_hint
from .user_files import path_from, read_yaml

DEFAULT_BUDGET = 100
"""Evaluations a search spends when given neither a count nor a time budget."""


PATH_FIELDS = ("data_dir", "run_dir", "tensorboard", "workdir")


@dataclass
class SearchConfig:
    """Everything that defines a search; stored in the run so it can be resumed and reproduced."""

    space: Name = "nb201"
    dataset: Name | None = None
    """The benchmark task or image dataset; left out (None), the space benchmark's first task (CIFAR-10 for a
    space without a benchmark), read when the search starts, once the configuration's plugins are loaded; None
    for a run that reads no dataset (:func:`nasloop.engine.assemble.reads_dataset`)."""
    strategy: Name = "evolution"
    predictor: Name | None = None
    evaluator: Name = "tabular"
    executor: Name = "inprocess"
    budget: PositiveInt | None = None
    """Distinct evaluations to spend. Left out (None), it is :data:`DEFAULT_BUDGET`, unless ``max_seconds`` is
    given: a time budget alone caps the search by time only, in Python as on the command line."""
    max_seconds: PositiveFloat | None = None
    seed: Seed = 0
    fidelity: Fidelity | None = None
    objective: Name | None = None
    minimize: bool = False
    objectives: list[str] | None = None
    """Several objectives, ``["val_accuracy:max", "params_m:min"]`` (``--objectives``); excludes ``objective``."""
    reference_point: list[float] | None = None
    """The hypervolume's reference point, one value per objective in the metrics' own units."""
    dedup: Literal["exact", "functional"] = "exact"
    data_dir: str | None = None
    run_dir: str | None = None
    space_options: dict[str, Any] = field(default_factory=dict)
    strategy_options: dict[str, Any] = field(default_factory=dict)
    predictor_options: dict[str, Any] = field(default_factory=dict)
    evaluator_options: dict[str, Any] = field(default_factory=dict)
    executor_options: dict[str, Any] = field(default_factory=dict)
    tensorboard: str | None = None
    """A folder to log the search to as TensorBoard scalars (``--tensorboard DIR``)."""
    plugins: list[Name] = field(default_factory=list)
    """Plugin files or modules to import first (``--plugin``); stored so a resumed run loads them again."""
    workdir: str | None = None
    """The folder the search was started in (set when it starts): relative paths in this configuration (the run
    and data folders, TensorBoard folder, plugin files, a predictor's pretrained file) are read from there, so a
    run resumed from another folder reads the same files; a run resumed inside a copy or a move of its project
    reads the copy's (see :func:`nasloop.engine.run_folders.started_in`)."""

    read_from: tuple[str, str] | None = field(default=None, init=False, compare=False, repr=False)
    """On a configuration :meth:`from_yaml` read from a file giving a ``data_dir``: the file and that folder, so that
    a folder missing when the search starts is named with the file and key it came from (:meth:`check_data_dir`).
    Where the configuration came from, not what it is: no argument, compared, shown or stored with a run (see
    :func:`config_fields`)."""

    def __new__(cls, *args: Any, **fields: Any) -> "SearchConfig":
        """A misspelt field is one nasloop line naming the fields, as a YAML file's unknown key is: the dataclass
        raised Python's TypeError ("unexpected keyword argument 'strategy_opt'"), no NasloopError (README)."""
        known = config_fields(cls)
        unknown = next((name for name in fields if name not in known), None)
        if unknown in PYTHON_KEYS:  # a flag's name (device=...), which a config file's key is refused with, too
            raise ConfigError(f"SearchConfig has no field '{unknown}', {python_hint(unknown, mapping=False)}")
        if unknown is not None:
            close = difflib.get_close_matches(unknown, known, n=1)
            raise ConfigError(f"SearchConfig has no field '{unknown}'{f' (did you mean {close[0]}?)' if close else ''}"
                              f"; it takes: {', '.join(known)}")
        return super().__new__(cls)

    def __post_init__(self) -> None:
        for name in PATH_FIELDS:
            setattr(self, name, checked_folder(name, getattr(self, name)))
        if isinstance(self.plugins, list):  # plugin files as pathlib.Path, as resume(plugins=...) and folders take
            self.plugins = [os.fspath(p) if isinstance(p, os.PathLike) else p for p in self.plugins]
        if isinstance(self.objectives, str):  # YAML's `objectives: val_accuracy:max,params_m:min`, as on the CLI
            self.objectives = [part.strip() for part in self.objectives.split(",")]
        check_objective_mappings(self.objectives)
        check_reference_mapping(self.reference_point, self.objectives)
        if isinstance(self.reference_point, str):  # YAML's `reference_point: "80,2"`, as on the CLI
            try:
                self.reference_point = [float(part) for part in self.reference_point.split(",")]
            except ValueError:
                raise ConfigError(f"reference_point {self.reference_point!r} is not comma-separated numbers; give "
                                  "one number per objective, such as 80,2 or [80, 2]") from None
        if isinstance(self.reference_point, list) and any(  # NaN was "not a list of numbers"
                isinstance(v, float) and not math.isfinite(v) for v in self.reference_point):
            raise ConfigError(f"reference_point must be finite numbers, got {self.reference_point}; give one finite "
                              "number per objective")
        check_fields(self)  # the same type-hint checks as every plugin's options
        for item in dataclasses.fields(self):
            setattr(self, item.name, plain(getattr(self, item.name)))
        refuse_unstorable_options(self)  # a function as an option failed in json's words once the run folder existed
        if self.budget is None and self.max_seconds is None:
            self.budget = DEFAULT_BUDGET
        if self.objectives is not None:
            if self.objective is not None or self.minimize:
                raise ConfigError("give either --objective [--minimize] or --objectives METRIC:max|min,..., not both")
            check_reference_point(self.reference_point, parse_objectives(self.objectives))
        elif self.reference_point is not None:
            raise ConfigError("--reference-point is for several objectives; give --objectives too")
        else:
            check_single_objective(self.objective)

    def objective_list(self) -> tuple[Objective, ...] | None:
        """The configured objectives, or None to use the evaluator's default objective."""
        if self.objectives is not None:
            return parse_objectives(self.objectives)
        return (Objective(self.objective, self.minimize),) if self.objective else None

    @property
    def num_objectives(self) -> int:
        return len(self.objectives) if self.objectives is not None else 1

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "config") -> "SearchConfig":
        if not isinstance(data, Mapping):
            raise ConfigError(f"{source} must be a mapping of key: value, got {type(data).__name__}")
        known = set(config_fields(cls))
        data = underscored(data, source)
        unknown = sorted(set(data) - known)
        flag = next((key for key in unknown if key in PYTHON_KEYS), None)
        if flag is not None:  # a config file's is refused before this, in how the file writes it
            raise ConfigError(f"unknown key '{flag}' in {source}, {python_hint(flag, mapping=True)}")
        if unknown:
            settable = sorted(known - {"workdir"})  # which nasloop records, and a file may not set
            raise ConfigError(f"unknown key '{unknown[0]}' in {source}; known keys: {', '.join(settable)}")
        return cls(**data)

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], source: str) -> "SearchConfig":
        """A configuration a run or study recorded. An empty path there, which older versions let a script
        give, meant what it did then: no folder (every use tested it for truth), so the run still resumes."""
        if isinstance(data, Mapping):
            data = {k: None if k in PATH_FIELDS and isinstance(v, str) and not v.strip() else v
                    for k, v in data.items()}
        return cls.from_mapping(data, source)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "SearchConfig":
        config = cls.from_mapping(read_config_file(path), source=str(path))
        if config.data_dir is not None:
            config.read_from = (str(path), config.data_dir)
        return config

    def check_data_dir(self) -> None:
        """A ``data_dir`` that :meth:`from_yaml` read and that names no folder, refused naming the file and the key
        (as ``nasloop search --config`` refuses it), where the data loader's refusal named neither and advised
        ``--data-dir``, a flag a script does not have. Checked when a search starts, not as the file is read: a
        folder of another machine is a file's fine value that ``replace(data_dir=...)`` can replace."""
        if self.read_from is not None and self.read_from[1] == self.data_dir:
            refuse_missing_data_dir(self.data_dir, self.read_from[0], "give one with .replace(data_dir=FOLDER)",
                                    self.workdir)

    @contextlib.contextmanager
    def data_dir_named(self) -> Iterator[None]:
        """A data file missing from a config file's ``data_dir:`` folder says the folder came from the file, and where
        a relative one was read from (as a folder missing altogether says, :func:`refuse_missing_data_dir`): the
        file's ``data_dir: .`` was listed as the folder looked in, leaving the user to find where it came from."""
        try:
            yield
        except MissingDataError as exc:
            if self.read_from is None or self.read_from[1] != self.data_dir or self.data_dir is None:
                raise
            given, source = self.data_dir, self.read_from[0]
            raise MissingDataError(f"{exc}; the first folder is {source}'s data_dir: {given}"
                                   f"{read_from(given, self.workdir)}") from None

    def path(self, value: str) -> str:
        """``value`` as a path read from ``workdir`` (unchanged when absolute or when no workdir is set)."""
        return str(path_from(self.workdir, value))

    def to_dict(self) -> dict[str, Any]:
        stored = config_fields(type(self))
        return {name: value for name, value in dataclasses.asdict(self).items() if name in stored}

    def replace(self, **changes: Any) -> "SearchConfig":
        replaced = dataclasses.replace(self, **changes)  # which leaves read_from, no argument, at None
        replaced.read_from = self.read_from  # check_data_dir names the file only while data_dir is still the file's
        return replaced


def config_fields(cls: type[SearchConfig] = SearchConfig) -> list[str]:
    """The fields a configuration is given and a run stores: each but :attr:`SearchConfig.read_from`."""
    return [item.name for item in dataclasses.fields(cls) if item.init]


def underscored(data: Mapping[Any, Any], source: str) -> dict[str, Any]:
    """``data`` with every key spelt with underscores (``strategy-options`` is ``strategy_options``).

    Done once, where a file is read, so that flags merged in later meet the file's keys under one spelling (a
    dashed key sat beside the flag's and one silently replaced the other); a key given in both spellings is
    refused, since either would silently win.
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")  # YAML keys need not be strings
        if name in out:
            raise ConfigError(f"{source} gives {name} twice (as '{name}' and '{name.replace('_', '-')}'); "
                              "keep one")
        out[name] = value
    return out


def read_config_file(path: str | Path) -> dict[str, Any]:
    """A user's YAML configuration as a mapping, its keys spelt with underscores; one line, naming the file, when
    it is something else, sets what nasloop sets, or holds a key of the wrong type or value.

    The file is checked whole here, as if no flag were given: merged with the flags first, a bad key that a flag
    overrides (``seed: x`` with ``--seed 2``) or drops (a replaced plugin's options) went unnoticed, and the file
    failed later, without the flag, on a key the user had seen work. A command-line flag that is no key (``device``)
    is answered with how a file writes it (``evaluator_options: {device: VALUE}``, :data:`FLAG_KEYS`), in place of
    the unknown key's list of keys, which left the user to guess which plugin the flag sets an option of."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must be a mapping of key: value")
    data = underscored(data, str(path))
    if "workdir" in data:  # recorded when a search starts, never by hand
        raise ConfigError(f"{path} sets workdir, which nasloop records when a search starts (relative paths "
                          "are read from the folder it starts in); drop it")
    flag = next((key for key in data if key in FLAG_KEYS), None)
    if flag is not None:
        raise ConfigError(f"{path} sets {flag}, which is the --{flag.replace('_', '-')} flag; in a config file, "
                          f"write {FLAG_KEYS[flag]}")
    try:
        SearchConfig.from_mapping(data, source=str(path))
    except ConfigError as exc:  # a field's own check names the key, not the file it is in
        raise ConfigError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    return data


def refuse_missing_data_dir(given: str, source: str, instead: str, workdir: str | None = None) -> None:
    """A config file's ``data_dir:`` that names no folder (read from ``workdir`` when relative), refused naming the
    file and the key, and ``instead``, how the caller replaces it: it was "data directory '/tmp/data2' does not
    exist; pass an existing folder to --data-dir", which left the user to find where a path never typed came from."""
    folder = path_from(workdir, given)
    if folder.is_dir():
        return
    what = "is not a folder" if folder.exists() else "does not exist"
    raise ConfigError(f"{source}: data_dir: {given}{read_from(given, workdir)} {what}; write an existing folder as "
                      f"data_dir: in {source}, or {instead}")


def read_from(given: str, workdir: str | None) -> str:
    """' (read from the folder the search starts in: /abs/path)' for a config file's relative ``data_dir``; ''."""
    start = "the folder the search starts in" if workdir in (None, os.getcwd()) else f"its workdir, {workdir}"
    absolute = Path(given).expanduser().is_absolute()
    return "" if absolute else f" (read from {start}: {path_from(workdir, given).absolute()})"


def construct(kind: str, name: str, factory: Callable[..., Any], /, *args: Any,
              wiring: Mapping[str, Any] | None = None, **options: Any) -> Any:
    """Build a plugin from its options, every bad one failing in one line that names the plugin.

    ``wiring`` is what the search hands over (``context``, ``seed``, ``predictor``...), passed only
    to constructors that name it: a plugin declares what it needs by its parameters. A user's constructor that
    raises (a ValueError for an option it refuses) is named in one line with the options it was given
    (:func:`.plugin_crash.plugin_crash`), where it was an "unexpected" error of nobody's plugin.
    """
    given = checked_construction(kind, name, factory, *args, wiring=wiring, **options)
    try:
        return factory(*args, **given, **options)
    except Exception as exc:  # a user's constructor refusing an option in Python's words (raise ValueError(...))
        shown = ", ".join(f"{key}={value!r}" for key, value in options.items())
        fault = plugin_crash(exc, f"fix it, or the options it was given ({one_line(shown, 120)})" if options else
                             "fix it")
        if fault is None:  # nasloop's own code raised, or the machine did (an OSError): said as it was
            raise
        raise fault from exc


def checked_construction(kind: str, name: str, factory: Callable[..., Any], /, *args: Any,
                         wiring: Mapping[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    """Every check :func:`construct` makes before it calls ``factory``, and the ``wiring`` the factory takes: for a
    plugin whose construction starts something (a Ray executor starts Ray) where nothing would use it."""
    check_options(f"{kind} '{name}'", factory, options, kind)
    unread = factory.unread_options(*args) if isinstance(factory, type) and issubclass(factory, Configurable) else {}
    ignored = next((key for key in options if key in unread), None)
    if ignored is not None:  # given at all, not only given at another value than the default
        raise ConfigError(f"{kind} '{name}' {unread[ignored]}, which does not read the {ignored} option; drop it")
    given = {key: value for key, value in (wiring or {}).items() if takes(factory, key)}
    _check_constructible(kind, name, factory, len(args), {**given, **options})
    return given


def _defined_by_user(factory: type) -> set[str]:
    """The attributes a class or one of its bases outside nasloop defines."""
    return {name for klass in factory.__mro__ if not defined_by_nasloop(klass) for name in vars(klass)}


OPTION_FLAG = {"search space": "--space-opt", "strategy": "--strategy-opt", "predictor": "--predictor-opt",
               "evaluator": "--evaluator-opt"}


def _check_constructible(kind: str, name: str, factory: Callable[..., Any], positional: int,
                         named: Mapping[str, Any]) -> None:
    """A user's class that leaves an abstract method out, or has an option without a default that was not
    given, is named in one line here instead of failing in Python's words inside the search."""
    if isinstance(factory, type) and inspect.isabstract(factory):
        lacking = sorted(factory.__abstractmethods__)
        # a predictor's fit defined where _fit was wanted: the base's fit checks the data, keeps it, then calls _fit
        public = next((m for m in lacking if m.startswith("_") and m[1:] in _defined_by_user(factory)), None)
        if public is not None:
            raise ConfigError(f"{kind} '{name}' ({factory.__name__}) defines {public[1:]} but not {public}, which the "
                              f"base class's {public[1:]} calls once it has checked and kept what it is given; rename "
                              f"its {public[1:]} to {public}")
        raise ConfigError(f"{kind} '{name}' ({factory.__name__}) does not define {', '.join(lacking)}; add "
                          f"{'it' if len(lacking) == 1 else 'them'} to the class")
    if isinstance(factory, type):
        refuse_uncallable_methods(kind, name, factory)
    params = [p for p in inspect.signature(factory).parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)][positional:]  # those given positionally are set
    needed = [p.name for p in params if p.default is inspect.Parameter.empty and p.name not in named
              and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if needed:
        flag = OPTION_FLAG.get(kind)
        raise ConfigError(f"{kind} '{name}' needs the option {needed[0]}, which has no default; give it"
                          + (f" ({flag} {needed[0]}=VALUE)" if flag else ""))


def route_options(options: Mapping[str, Any], owner: Callable[..., Any],
                  fallback: Callable[..., Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``options`` into those ``owner`` takes and those only ``fallback`` takes.

    Network-size options belong to the search space now; an evaluator option the evaluator does
    not know but the space does (the older ``--evaluator-opt channels=8``) still reaches the space.
    Options neither takes stay with ``owner``, whose check then names them.
    """
    mine = set(option_names(owner))
    theirs = set(option_names(fallback)) - mine
    kept = {k: v for k, v in options.items() if k not in theirs}
    moved = {k: v for k, v in options.items() if k in theirs}
    return kept, moved


def refuse_resume_arguments(unknown: Mapping[str, Any], takes: Callable[..., Any]) -> None:
    """One line for a keyword ``resume`` does not take (``takes`` is resume itself, read for what it does take):
    Python's TypeError named neither what it takes nor, for a configuration field (``strategy="random"``), that a
    resumed run keeps its own configuration, as ``nasloop search --resume`` says of such flags."""
    if not unknown:
        return
    name = next(iter(unknown))
    taken = [p.name for p in inspect.signature(takes).parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD][1:]
    why = ("a field of the run's configuration, which a resumed run keeps (start a new run with search() to change "
           "it)" if name in config_fields() else "which it does not take")
    raise ConfigError(f"resume() got {name}={unknown[name]!r:.60}, {why}; it takes {', '.join(taken)}")
