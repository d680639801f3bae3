"""The search configuration ``nasloop search`` builds from its flags (and a ``--config`` file).

Flags override the file; an option given by its own flag (``--device``) and by ``--KIND-opt`` too, or a flag
that belongs to another plugin than the one chosen, is refused in one line.
"""
from __future__ import annotations

import argparse
import sqlite3
from typing import Any

from .assemble import canonical_dataset
from .cli_parser import CONFIG_FLAGS, OPTION_FLAGS
from .config import SearchConfig, read_config_file, refuse_missing_data_dir, route_options
from .cli_shorthand import check_shorthand, with_shorthand
from .errors import ConfigError, NasloopError
from .options import check_options, takes
from .plugins import load_plugins, unique_plugins
from .registry import EVALUATORS, EXECUTORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, Registry
from .run_checks import check_same_tensorboard
from .store import RunStore


def check_resumed_shorthand(run_dir: str, executor: str | None, shorthand: dict[str, str]) -> None:
    """A flag such as --trial-timeout on ``--resume``, refused as on a new run when the executor the run goes on with
    (``--executor``, else its own) does not take it, naming the executor that does: it said "executor 'inprocess'
    has no option 'timeout_s'", a name the user never typed."""
    if not shorthand:
        return
    if executor is None:
        try:
            with RunStore.in_run_dir(run_dir, readonly=True) as store:
                saved = store.get_meta("config")
        except (NasloopError, sqlite3.Error):  # resuming says why the store cannot be read
            return
        executor = saved.get("executor", SearchConfig.__dataclass_fields__["executor"].default) \
            if isinstance(saved, dict) else None
        if not isinstance(executor, str):
            return
    check_shorthand("executor", executor, shorthand)


def check_resumed_tensorboard(run_dir: str, given: str | None) -> None:
    """``--tensorboard`` on ``--resume``: the folder the run logs to, or refused (see :func:`.run_checks.
    check_same_tensorboard`). Checked before the run is locked and built, as the other flags ``--resume`` refuses."""
    if given is None:
        return
    try:
        with RunStore.in_run_dir(run_dir, readonly=True) as store:
            stored = SearchConfig.from_stored(store.get_meta("config"), source=str(store.path))
    except (NasloopError, sqlite3.Error):  # resuming says why the store cannot be read
        return
    check_same_tensorboard(run_dir, stored, given, "--tensorboard")


OBJECTIVE_KEYS = ("objective", "minimize", "objectives", "reference_point")


def drop_replaced_plugin_options(args: argparse.Namespace, data: dict[str, Any]) -> None:
    """A plugin the command line names in place of the file's (``--strategy random`` over a file's evolution)
    replaces it with its options, as ``--objective`` replaces the file's objectives: the file's options are
    written for its own plugin, and kept they would stop ``--config search.yaml --strategy random`` on "strategy
    'random' has no option 'population_size'", an option the command never named. ``--KIND-opt`` flags still
    apply. A strategy that uses no predictor takes the file's predictor away too, rather than asking to "drop
    --predictor", a flag the command does not have."""
    for kind in OPTION_FLAGS:
        chosen = getattr(args, kind)
        filed = data.get(kind, SearchConfig.__dataclass_fields__[kind].default)
        if chosen is not None and filed is not None and chosen != filed:
            data.pop(f"{kind}_options", None)
            if kind == "strategy" and args.predictor is None and not _guided(chosen):
                data.pop("predictor", None)
                data.pop("predictor_options", None)


def _guided(strategy: str) -> bool:
    """Whether ``strategy`` takes a predictor; True for a name not known yet (a plugin the file loads), which
    building the run then checks."""
    try:
        return takes(STRATEGIES.get(strategy), "predictor")
    except NasloopError:
        return True


REGISTRIES: dict[str, Registry] = {"space": SEARCH_SPACES, "strategy": STRATEGIES, "predictor": PREDICTORS,
                                   "evaluator": EVALUATORS, "executor": EXECUTORS}


def check_replaced_plugins(filed: dict[str, Any], merged: dict[str, Any], source: str) -> None:
    """The plugins a ``--config`` file names and their options, where the command line replaces them (``strategy:
    evolutionn`` with ``--strategy random``), drops them with the strategy (its predictor) or overrides an option
    (``--strategy-opt population_size=5`` over the file's ``population_size: x``), checked as if no flag were
    given: the flags' values ran without a word, and the file failed on its next run without them. The file's own
    plugins are loaded first, since they may register the names; an evaluator's options that are the file's space's
    go to it, as in a run (:func:`.config.route_options`). A name is looked up without importing its module, which
    only options to check need (bananas' imports torch: seconds)."""
    loaded = False
    for kind in OPTION_FLAGS:
        name = filed.get(kind, SearchConfig.__dataclass_fields__[kind].default)
        options, kept = filed.get(f"{kind}_options") or {}, merged.get(f"{kind}_options") or {}
        replaced = isinstance(filed.get(kind), str) and merged.get(kind) != filed[kind]
        overridden = any(kept.get(key, object()) != value for key, value in options.items())
        if not isinstance(name, str) or not (replaced or overridden):
            continue
        if not loaded:
            load_plugins(filed.get("plugins") or [])
            loaded = True
        registry = REGISTRIES[kind]
        try:
            if name not in registry.names():
                registry.get(name)  # the registry's one line: unknown, and the names it knows
            if options and kind == "evaluator":
                space = filed.get("space", SearchConfig.__dataclass_fields__["space"].default)
                options, moved = route_options(options, registry.get(name), SEARCH_SPACES.get(space))
                check_options(f"search space '{space}'", SEARCH_SPACES.get(space), moved)
            if options:
                check_options(f"{registry.kind} '{name}'", registry.get(name), options)
        except NasloopError as exc:
            if kind in filed or merged.get(kind, name) == name:  # the file's or the default plugin is the run's
                raise ConfigError(f"{source}: {exc}") from None
            raise ConfigError(f"{source} names no {kind}, so its {kind}_options are for the default, {name}, and "
                              f"{exc}; name the {kind} they are for in the file ({kind}: NAME)") from None


def check_filed_data_dir(filed: dict[str, Any], merged: dict[str, Any], source: str) -> None:
    """A config file's ``data_dir:`` that names no folder, where no ``--data-dir`` replaces it, is refused naming the
    file and the key (:func:`.config.refuse_missing_data_dir`). Not checked with the rest of the file
    (:func:`.config.read_config_file`): a folder of another machine is a file's fine value that ``--data-dir`` can
    replace."""
    given = filed.get("data_dir")
    if not isinstance(given, str) or not given.strip() or merged.get("data_dir") != given:
        return  # a value of the wrong type is the file's check's; an empty one SearchConfig's
    refuse_missing_data_dir(given, source, "pass one to --data-dir")


def search_config(args: argparse.Namespace) -> SearchConfig:
    data: dict[str, Any] = {}
    if args.config:
        data = read_config_file(args.config)
    filed = dict(data)
    if args.objective is not None or args.objectives is not None:
        # What to optimise is one setting: the command line's replaces the file's whole. Merged key by key, a
        # file's objectives made --objective a conflict, and its minimize: true turned --objective val_accuracy
        # into minimising accuracy, with no flag to say maximise.
        for key in OBJECTIVE_KEYS:
            data.pop(key, None)
    drop_replaced_plugin_options(args, data)
    for name in CONFIG_FLAGS:
        value = getattr(args, name)
        if value is not None:
            data[name] = value
    space = data.get("space", "nb201")
    if isinstance(space, str) and isinstance(data.get("dataset"), str):  # without one, the search picks the default,
        data["dataset"] = canonical_dataset(space, data["dataset"])       # once a YAML file's plugins are loaded
    if args.minimize:
        data["minimize"] = True
    if args.plugin:
        stored = data.get("plugins") or []
        data["plugins"] = unique_plugins((list(stored) if isinstance(stored, list) else [stored]) + list(args.plugin))
    for kind in OPTION_FLAGS:
        options = data.get(f"{kind}_options") or {}
        if not isinstance(options, dict):  # SearchConfig reports it, in one line, if no flag is merged in
            continue
        options = with_shorthand(kind, data.get(kind), {**options, **dict(getattr(args, f"{kind}_opt"))}, args)
        if options:
            data[f"{kind}_options"] = options
    check_replaced_plugins(filed, data, str(args.config))
    check_filed_data_dir(filed, data, str(args.config))
    config = SearchConfig.from_mapping(data, source=str(args.config) if args.config else "flags")
    if args.config and args.data_dir is None and config.data_dir is not None:  # the file's data_dir:, no --data-dir
        config.read_from = (str(args.config), config.data_dir)
    return config
