"""The flags that set one option of a plugin (:data:`.shorthand_flags.SHORTHAND_FLAGS`: ``--proxies`` is
``--evaluator-opt proxies=[...]``), defined and checked once for every command that takes them: ``compare`` took
none, so ``compare --evaluator proxy --proxies synflow`` was argparse's "unrecognized arguments", naming no form that
works. A flag given to a plugin that takes no such option, or given beside ``--KIND-opt`` setting the same option, is
refused in one line.
"""
from __future__ import annotations

import argparse
from typing import Any

from .cli_types import int_at_least, name_list, non_negative_float, positive_float
from .config import SearchConfig
from .errors import ConfigError, NasloopError
from .executors.ray_options import MAX_RETRIES, MAX_WORKERS
from .options import option_names
from .registry import EVALUATORS, EXECUTORS
from .shorthand_flags import SHORTHAND_FLAGS

DEVICES = "cpu, cuda, cuda:N or auto (CUDA where present)"  # every --device's words: 'proxies' said 'cpu or cuda'

SHORTHAND_ARGUMENTS: dict[str, dict[str, Any]] = {
    "proxies": {"type": name_list, "help": "--evaluator proxy: proxies to score, first is the objective"},
    "device": {"help": f"--evaluator train/proxy: {DEVICES} (default: auto for train, cpu for proxy)"},
    "workers": {"type": int_at_least(1, MAX_WORKERS, "each a Ray actor, a process"),
                "help": "--executor ray: trials run at once (default: as many as Ray's CPUs and GPUs hold)"},
    "gpus_per_trial": {"type": non_negative_float,
                       "help": "--executor ray: GPUs per trial (fractional shares a GPU; default 0)"},
    "ray_address": {"help": "--executor ray: join this cluster (auto, HOST:PORT, ray://HOST:PORT)"},
    "trial_timeout": {"type": positive_float, "help": "--executor ray: seconds before a trial is retried (default: "
                                                      "none, a hung trial waits)"},
    "max_retries": {"type": int_at_least(0, MAX_RETRIES, "a trial that always fails is retried each time"),
                    "help": "--executor ray: retries of a crashed or hung trial (default 2)"}}
"""Each shorthand flag's argparse arguments, as ``search`` documents it."""


def add_shorthand_flags(parser: argparse.ArgumentParser, kind: str | None = None) -> None:
    """Add the shorthand flags of the plugins of ``kind`` (``evaluator``; all where None) to a command's parser."""
    for flag, (owner, _) in SHORTHAND_FLAGS.items():
        if kind is None or owner == kind:
            parser.add_argument(f"--{flag.replace('_', '-')}", **SHORTHAND_ARGUMENTS[flag])


def study_executor_hints() -> dict[str, str]:
    """What ``compare``'s usage error adds for a flag of a search's executor, which a study's runs do not use: it
    was argparse's bare "unrecognized arguments: --trial-timeout 5"."""
    return {f"--{flag.replace('_', '-')}": f"--{flag.replace('_', '-')} sets an option of a search's executor, and "
            "a study's runs evaluate in process, --jobs of them at once or as Ray tasks with --executor ray: give it "
            "to nasloop search" for flag, (owner, _) in SHORTHAND_FLAGS.items() if owner == "executor"}


def check_shorthand(kind: str, name: str | None, shorthand: dict[str, str]) -> None:
    """A flag such as --trial-timeout sets an option of one plugin; given with another (the default executor),
    say which plugin takes it rather than the option's inner name."""
    registry = {"evaluator": EVALUATORS, "executor": EXECUTORS}.get(kind)
    if registry is None or not shorthand:
        return
    chosen = name or SearchConfig.__dataclass_fields__[kind].default
    try:
        takes = option_names(registry.get(chosen))
    except (NasloopError, TypeError):  # a plugin the config's own plugins list registers, or no name at all:
        return                         # building the run reports it, after loading them
    for flag, option in shorthand.items():
        if option not in takes:
            able = [n for n in registry.names() if option in option_names(registry.get(n))]
            article = "an" if kind[0] in "aeiou" else "a"
            raise ConfigError(f"--{flag.replace('_', '-')} is an option of --{kind} {' or '.join(able) or 'none'}, "
                              f"not of '{chosen}'; add --{kind} {able[0] if able else '...'} ({article} {kind} of "
                              f"your own takes it as its parameter {option})")


def with_shorthand(kind: str, name: str | None, options: dict[str, Any],
                   args: argparse.Namespace) -> dict[str, Any]:
    """``options`` of the ``kind`` plugin ``name`` with those its shorthand flags set (``--proxies``), each refused
    where the plugin takes no such option or ``--KIND-opt`` sets it too: ``search`` and ``compare`` alike."""
    shorthand = {flag: option for flag, (owner, option) in SHORTHAND_FLAGS.items()
                 if owner == kind and getattr(args, flag) is not None}
    check_shorthand(kind, name, shorthand)
    refuse_twice(kind, shorthand, dict(getattr(args, f"{kind}_opt")))
    return {**options, **{option: getattr(args, flag) for flag, option in shorthand.items()}}


def refuse_twice(kind: str, shorthand: dict[str, str], given: dict[str, Any]) -> None:
    """An option set by its own flag (--device) and by --KIND-opt: one would silently win over the other."""
    twice = next((flag for flag, option in shorthand.items() if option in given), None)
    if twice:
        raise ConfigError(f"{shorthand[twice]} is given by both --{twice.replace('_', '-')} and --{kind}-opt; "
                          "give it once")
