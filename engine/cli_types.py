"""Argument types shared by the ``nasloop`` command's parsers (``cli_parser`` and ``cli_study``), and by the
benchmark scripts and examples, so that a flag is refused in the same words wherever it is given."""
from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any, Callable

from .errors import ConfigError
from .options import MAX_FIDELITY
from .user_dirs import expand_user
from .user_files import load_yaml_text, not_a_file
from .value_texts import option_text, same_option_value


def path_text(text: str) -> str:
    """A path flag's value, refused when empty (an unset shell variable, most often): ``--out ''`` would write into
    the current folder, ``--run-dir ''`` and ``--data-dir ''`` would fall back to their defaults, all unseen."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is an empty path; give a file or folder name (an unset shell "
                                         "variable?)")
    return text


def path_arg(text: str) -> Path:
    """:func:`path_text` as a ``Path``, ``~`` expanded as every path nasloop reads is: ``--out=~/flan.pt`` (which
    the shell leaves alone) wrote ./~/flan.pt, where ``pretrained=~/flan.pt`` looked in the home folder."""
    try:
        return expand_user(path_text(text))
    except ConfigError as exc:  # no home to expand ~ to: argparse names the flag
        raise argparse.ArgumentTypeError(str(exc)) from None


def out_file_arg(text: str) -> Path:
    """:func:`path_arg` for a file nasloop writes: an existing pipe, device or socket is refused
    (:func:`not_a_file`)."""
    path = path_arg(text)
    if not_a_file(path):
        raise argparse.ArgumentTypeError(f"{path} is a pipe, device or socket, not a file; give a file name")
    return path


def key_value(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got '{text}'")
    if not value.strip():  # an unset shell variable, most often: never read it as "no value"
        raise argparse.ArgumentTypeError(f"'{text}' gives {key} no value; write {key}=null to unset it")
    try:
        owner, dot, option = key.rpartition(".")  # NAME.KEY: a plugin name keeps its hyphens (zero-cost.proxy)
        return owner + dot + option.replace("-", "_"), load_yaml_text(value, f"the value of '{key}'")
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class KeyValues(argparse.Action):
    """A repeatable KEY=VALUE flag (``--strategy-opt``, ``--space-opt``, ...), each pair appended to a list as
    ``action="append"`` does: a key given twice with two values is refused, naming both, as a plain flag given twice
    is (``cli_parser._AliasedStore``). Each command reads the pairs as a dict, which kept the last:
    ``--strategy-opt population_size=20 --strategy-opt population_size=30`` ran 30, unseen, and ``population-size``
    is the same key. The same value twice is accepted. argparse's public ``Action``, not its private append action,
    whose name and behaviour a Python release may change."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        key, value = values
        pairs = list(getattr(namespace, self.dest, None) or [])  # a copy: the flag's default list serves every parse
        earlier = [given for name, given in pairs if name == key]
        if earlier and not same_option_value(earlier[0], value):
            parser.error(f"{option_string} {key}={option_text(earlier[0])} and {option_string} "
                         f"{key}={option_text(value)} give {key} two values; give it once")
        setattr(namespace, self.dest, [*pairs, values])


def int_at_least(low: int, high: int | None = None, why: str = "") -> Callable[[str], int]:
    """An integer >= low (and <= high); ``why`` says, with the bound, why more is refused."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid integer '{text}'") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be <= {high}{f' ({why})' if why else ''}, got {value}")
        return value

    return parse


positive_int = int_at_least(1)
"""A count: evaluations, seeds, workers, a batch size."""
seed_int = int_at_least(0)
"""A seed or a number of retries, where 0 is a value."""
seed_count = int_at_least(1, 10_000, "a study's 95 % intervals barely narrow past a few hundred seeds; more is taken "
                                     "for a typo")
"""--seeds of compare and 'predictors evaluate', each seed a run or a fit: the commands list every seed first, and
'--seeds 1000000000' grew past the machine's memory until the kernel killed it, with no line said."""
study_seed_count = int_at_least(1, 10_000, "a study's 95 % intervals barely narrow past a few hundred seeds; more is "
                                           "taken for a typo; a study stored with more (a search study, or a "
                                           "predictor study's predictors and sizes) goes on with all of them under "
                                           "any smaller --seeds")
"""compare's --seeds (:data:`seed_count`): a study an older nasloop began with more seeds keeps every stored seed,
whatever --seeds adds (a predictor study, those its stored request of the same predictors and train sizes asked for:
:func:`.predictor_grid.asked_seeds`), so the command that continues it is told the value that does."""


def positive_float(text: str) -> float:
    """Seconds (a time budget, a trial's timeout): a finite number above 0."""
    return _finite_number(text, zero_allowed=False)


def non_negative_float(text: str) -> float:
    """A share of a resource (GPUs per trial), where 0 is a value."""
    return _finite_number(text, zero_allowed=True)


def fraction_from(low: float) -> Callable[[str], float]:
    """A share from ``low`` to 1 (an image's centre crop), refused as the flag's own ('--crop-fraction 5' was
    refused as 'crop_fraction must be from 0.1 to 1', the evaluator option's name)."""

    def parse(text: str) -> float:
        value = _finite_number(text, zero_allowed=False)
        if not low <= value <= 1:
            raise argparse.ArgumentTypeError(f"must be from {low:g} to 1, got {text}")
        return value

    return parse


def _finite_number(text: str, zero_allowed: bool) -> float:
    """``text`` as a finite number above 0 (or from 0, with ``zero_allowed``): one check, so that both flags refuse
    nan, inf and a negative number in the same words."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number '{text}'") from None
    if not (0 <= value if zero_allowed else 0 < value) or not value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number {'>=' if zero_allowed else '>'} 0, got {text}")
    return value


def int_list(text: str, low: int = 1) -> list[int]:
    # '8,,40' would read as 8,40, hiding a value lost between the commas
    if any(not part.strip() for part in text.split(",")) and text.strip():
        raise argparse.ArgumentTypeError(f"'{text}' has an empty entry between commas; drop the extra comma")
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 8,40,128, got '{text}'") from None
    if not values or min(values) < low:
        raise argparse.ArgumentTypeError(f"expected integers >= {low}, got '{text}'")
    repeated = next((v for v in values if values.count(v) > 1), None)
    if repeated is not None:  # a size given twice would count its fits as twice the seeds
        raise argparse.ArgumentTypeError(f"{repeated} is given twice in '{text}'; give each size once")
    return values


def train_sizes(text: str) -> list[int]:
    """--train-sizes: a ranking is learned from two cells at least ('0' was told '>= 1', and then '1' '2 or more')."""
    return int_list(text, low=2)


def float_list(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers such as 0,5.5, got '{text}'") from None
    infinite = next((v for v, value in zip(text.split(","), values) if not math.isfinite(value)), None)
    if infinite is not None:  # here, naming this flag: the configuration's check names its key reference_point
        raise argparse.ArgumentTypeError(f"'{infinite.strip()}' in '{text}' is not a finite number; give finite "
                                         "numbers such as 0,5.5")
    return values


def name_list(text: str) -> list[str]:
    """Comma-separated names, each once: 'flan,' or 'forest,forest' was taken as one, or ran one twice."""
    names = [v.strip() for v in text.split(",")]
    if not any(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got '{text}'")
    if not all(names):
        raise argparse.ArgumentTypeError(f"'{text}' has an empty name between commas; drop the extra comma")
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise argparse.ArgumentTypeError(f"'{text}' names '{twice}' twice; name each once")
    return names


fidelity_arg = int_at_least(1, MAX_FIDELITY)
"""A search's or a predictor evaluation's fidelity, epochs for nasloop's evaluators (the train evaluator checks its
own bound)."""
