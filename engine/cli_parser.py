"""The ``nasloop`` command's arguments: every subcommand and flag, and one-line usage errors."""
from __future__ import annotations

import argparse
import itertools
import re
import sys
from typing import Any, NoReturn

from .cli_predictors import add_commands as add_predictor_commands
from .cli_shorthand import DEVICES, add_shorthand_flags
from .cli_study import add_commands as add_study_commands
from .cli_test import add_command as add_test_command
from .errors import printable
from .near_words import near_words
from .options import EPOCHS_WHY, MAX_EPOCHS
from .cli_types import (KeyValues, fidelity_arg, float_list, fraction_from, int_at_least, key_value, name_list,
                        out_file_arg, path_arg, path_text, positive_float, positive_int, seed_int)

# Flags that map one-to-one onto SearchConfig fields (flag → field).
CONFIG_FLAGS = ("space", "dataset", "strategy", "predictor", "evaluator", "executor", "budget", "max_seconds",
                 "seed", "fidelity", "objective", "objectives", "reference_point", "dedup", "data_dir", "run_dir",
                "tensorboard")
OPTION_FLAGS = ("space", "strategy", "predictor", "evaluator", "executor")


class _AliasedStore(argparse.Action):
    """A flag's value, stored as argparse stores it; a flag given twice with two values is refused, naming both,
    whether under one spelling (``--budget 5 --budget 10``) or two (``--epochs 1 --fidelity 12``): argparse keeps the
    last, so the search would spend a budget or train epochs the user had not meant, unseen. The same value twice
    is accepted. Repeatable flags (``--space-opt``) append, and never reach here. Built on the public ``Action``,
    with the checks of argparse's store action (private ``_StoreAction``, which a Python release may change)."""

    def __init__(self, option_strings: list[str], dest: str, nargs: int | str | None = None, const: Any = None,
                 **kwargs: Any) -> None:
        if nargs == 0:  # argparse's own words for a store action
            raise ValueError("nargs for store actions must be != 0; if you have nothing to store, actions such as "
                             "store true or store const may be more appropriate")
        if const is not None and nargs != argparse.OPTIONAL:
            raise ValueError(f"nargs must be {argparse.OPTIONAL!r} to supply const")
        super().__init__(option_strings, dest, nargs=nargs, const=const, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if self.option_strings:  # a positional is given once by its place
            given = namespace.__dict__.setdefault(_GIVEN, {})
            earlier = given.get(self.dest)
            if earlier is not None and earlier[1] != values:
                flag = (f"one option ({'/'.join(self.option_strings)})" if len(self.option_strings) > 1
                        else self.option_strings[0])
                parser.error(f"{earlier[0]} {_shown(earlier[1])} and {option_string} {_shown(values)} give {flag} "
                             "two values; give it once")
            given[self.dest] = (option_string, values)
            if option_string != self.option_strings[0]:  # an alias: see as_typed
                namespace.__dict__.setdefault(TYPED, {})[self.option_strings[0]] = (option_string, _shown(values))
        setattr(namespace, self.dest, values)


_COUNTERPARTS = {"--evaluator-opt": "--train-opt", "--train-opt": "--evaluator-opt", "--fidelity": "--epochs",
                 "--train-size": "--train-sizes", "--train-sizes": "--train-size", "--predictors": "--predictor",
                 "--objective": "--metric", "--metric": "--objective", "--jobs": "--workers", "--workers": "--jobs",
                 "--epochs": "--fidelity"}
"""A flag of one command and the same option's flag in another (search's --evaluator-opt is train's --train-opt;
train's --epochs is compare's and 'predictors evaluate''s --fidelity, which search spells both ways; what a search
maximises, --objective, is what 'predictors evaluate' ranks by, --metric; how much runs at once is compare's --jobs
and search's or proxies' --workers)."""

_OPTION_FORMS = {"predictor": ": KEY=VALUE, or NAME.KEY=VALUE naming the predictor (e.g. flan.ensemble=2), as "
                                "compare reads it; a blend's members take theirs inside its members option"}
"""The forms of a plugin's option flag beyond KEY=VALUE: the README's NAME.KEY=VALUE, which search reads as compare
and 'predictors evaluate' do, was missing from the help of search's --predictor-opt."""

_GIVEN = "_aliased_flags_given"
"""The namespace attribute where :class:`_AliasedStore` keeps which flag gave each value, dropped after parsing."""

TYPED = "typed_flags"
"""The namespace attribute where :class:`_AliasedStore` keeps each flag given under an alias: its first spelling
mapped to (the alias typed, the value as typed)."""

UNLESS_SHOWN = "unless_shown"
"""The namespace attribute where a command whose other first words are plugins to show (``nasloop predictors
NAME``) keeps, for a lone word one slip from a subcommand (``predictors shot``), the usage error refusing it as
that subcommand misspelt; None otherwise. The word is shown if it names a plugin, which is known only once the
command's ``--plugin`` files are loaded, after parsing: a user's predictor 'shot' was refused as 'show' misspelt."""


def as_typed(message: str, args: argparse.Namespace) -> str:
    """``message`` with a flag and its value written as the user typed them: ``search --evaluator proxy --epochs 12``
    was told to "drop --fidelity 12", a flag the user had not typed (the errors of evaluators and tables, which
    several commands share, name a flag's first spelling). A flag is rewritten where the value typed follows it, or
    where it is named alone (at the end, or before punctuation: "with --fidelity: 12, 200"); followed by another value
    (one a config file gave) or by its other spelling ("--fidelity (--epochs)"), it is named as before. The run's
    notes are rewritten too."""
    for first, (typed, value) in getattr(args, TYPED, {}).items():
        message = re.sub(rf"(?<![\w-]){re.escape(f'{first} {value}')}(?![\w.])", lambda _: f"{typed} {value}", message)
        message = re.sub(rf"(?<![\w-]){re.escape(first)}(?=$|[^\w\s=.-]|\.(?!\w))", lambda _: typed, message)
    return message


def _shown(value: Any) -> str:
    """A parsed value as it was typed: a list comma-separated."""
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the fix, and a flag the command does not take points at that
    command's help (``nasloop train --evaluator-opt``'s, not ``nasloop --help``). Flags are never abbreviated:
    argparse would read ``nasloop proxies --arch X`` as ``--archs-file X``. A word starting with ``-`` and a digit
    after a long flag is that flag's value: argparse reads only ``-5`` and ``-.5`` as negative numbers, so
    ``--reference-point -1e3,1.6`` (a negative proxy's reference) would be refused as "expected one argument"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.register("action", None, _AliasedStore)  # every plain flag, so every alias (and groups share it)
        self.register("action", "store", _AliasedStore)
        # a command's subcommands, where any other first word (but a misspelt subcommand) is a plugin to 'show':
        # 'nasloop predictors flan' describes it as 'nasloop strategies evolution' does (argparse: "invalid choice")
        self.shows_other_words: dict[str, Any] = {}
        self.flag_hints: dict[str, str] = {}  # another command's flag that this one refuses: the form that works

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """Every KEY=VALUE flag, whichever command defines it, refuses a key given two values (:class:`KeyValues`)."""
        if kwargs.get("type") is key_value:
            kwargs["action"] = KeyValues
        return super().add_argument(*args, **kwargs)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        self._words = list(sys.argv[1:] if args is None else args)  # what error() names when no command is given
        first = self._words[0] if self._words else "-"
        refusal = None  # see UNLESS_SHOWN
        if self.shows_other_words and not first.startswith("-") and first not in self.shows_other_words:
            slip = bool(near_words(first, list(self.shows_other_words)))
            refused = self._invalid_choice(first)
            if slip and refused is not None and len(self._words) == 1:  # 'predictors shot': a plugin's, or 'show'
                refusal = self._error_line(refused, self.prog)
            if refusal is not None or not slip:
                self._words.insert(0, "show")
        namespace, extras = super().parse_known_args(negative_values_attached(self._words), namespace)
        namespace.__dict__.pop(_GIVEN, None)
        if self.shows_other_words:
            setattr(namespace, UNLESS_SHOWN, refusal)
        if extras and not getattr(namespace, "help_prog", None):  # the innermost command parses first
            namespace.help_prog, namespace.flag_hint = self.prog, self._flag_hint(extras)
        return namespace, extras

    def parse_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:  # every --plugin typed, each as typed (show took its file as the run), is advised before the
            # command: the last alone was, and the command advised loaded one of two
            typed = [w.partition("=")[2] if "=" in w else after for w, after in zip(
                self._words, self._words[1:] + ["FILE"]) if w.split("=", 1)[0] == "--plugin"]
            self._exit_with(f"unrecognized arguments: {' '.join(extras)}{getattr(namespace, 'flag_hint', '')}",
                            getattr(namespace, "help_prog", self.prog), " --plugin ".join(dict.fromkeys(typed)))
        return namespace

    def _flag_hint(self, extras: list[str]) -> str:
        """The flag this command takes in place of the first one it does not: its own spelling of another command's
        flag (``nasloop train --evaluator-opt``: --train-opt; ``search --train-opt``: --evaluator-opt) or a near
        one (``--epohcs``). Only the command's help was named, where the README's commands differ by just these."""
        flag = next((word.split("=", 1)[0] for word in extras if word.startswith("--")), None)
        if flag is None:
            return ""
        known = [option for option in self._option_string_actions if option.startswith("--")]
        if _COUNTERPARTS.get(flag) not in known and flag in self.flag_hints:
            return f" ({self.flag_hints[flag]})"
        near = [_COUNTERPARTS[flag]] if _COUNTERPARTS.get(flag) in known else \
            near_words(flag, known)
        return f" (did you mean {near[0]}?)" if near else ""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"^(argument \S+): ignored explicit argument (.*)$", r"\1 takes no value, got \2", message)
        leading = itertools.takewhile(lambda word: word.startswith("-"), getattr(self, "_words", []))  # no command yet
        known = self._option_string_actions
        unknown = [word for word in leading if word != "--" and word.split("=", 1)[0] not in known]
        if unknown and self.prog == "nasloop" and (message.endswith("required: COMMAND") or
                                                   message.startswith("unknown command ")):
            # 'nasloop --bogus' read "command is required", 'nasloop --plugins x.py spaces' "invalid choice: 'x.py'"
            near = near_words(unknown[0].split("=", 1)[0], list(known))
            hint = f" (did you mean {near[0]}?)" if near else ""
            missing = ", and no command" if message.endswith("required: COMMAND") else ""
            message = f"unrecognized arguments: {' '.join(unknown)}{hint}{missing}: nasloop [--plugin FILE] COMMAND ..."
        self._exit_with(message, self.prog)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """argparse's check of a value against its choices, but a word that is no command or subcommand is named with
        the one it most likely misspells, as an unknown plugin name is: argparse's "argument predictors_command:
        invalid choice: 'evalute' (choose from ...)" named an internal dest and no nearest word."""
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            known = list(action.choices)
            near = near_words(value, known)
            what = "command" if self.prog == "nasloop" else "subcommand"
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise argparse.ArgumentError(None, f"unknown {what} '{value}'{hint}; known: {', '.join(known)}")
        super()._check_value(action, value)

    def _invalid_choice(self, word: str) -> str | None:
        """argparse's own refusal of ``word`` as this command's subcommand ("argument ...: invalid choice: ..."), or
        None for a subcommand."""
        action = next(action for action in self._actions if action.choices is self.shows_other_words)
        try:
            self._check_value(action, word)
        except argparse.ArgumentError as exc:
            return str(exc)
        return None

    def _exit_with(self, message: str, help_prog: str, plugin: str = "FILE") -> NoReturn:
        self.exit(2, self._error_line(message, help_prog, plugin))

    @staticmethod
    def _error_line(message: str, help_prog: str, plugin: str = "FILE") -> str:
        """The usage error's line, naming the command it was for and its help; a ``--plugin`` given after the
        command is advised before it with the ``plugin`` files typed, joined by ``--plugin`` ('--plugin r1' quoted
        the word after the file)."""
        if message.startswith("unrecognized arguments") and ("--plugin" in message.split() or
                                                              any(w.startswith("--plugin=") for w in message.split())):
            plugin = plugin or "FILE"
            command = help_prog.partition(" ")[2] if plugin != "FILE" and " " in help_prog else "COMMAND"
            message += f"; --plugin goes before the command: nasloop --plugin {plugin} {command} ..."
        elif message.startswith("unrecognized arguments: ") and "=" in message.split()[2] and \
                not message.split()[2].startswith("-"):  # '--space-opt channels=16 layers=8'
            message += "; each --...-opt flag takes one KEY=VALUE: repeat the flag for each"
        return f"{help_prog}: error: {printable(message)} (see '{help_prog} --help')\n"


def negative_values_attached(words: list[str]) -> list[str]:
    """``--flag -1e3,1.6`` as ``--flag=-1e3,1.6``, the spelling argparse never mistakes for a flag (no nasloop flag
    starts with a digit). A flag that takes no value then refuses the value by name, as it would any other. Public:
    the benchmark scripts and examples read their flags' values the same way."""
    out: list[str] = []
    for word in words:
        if out and _NEGATIVE.match(word) and out[-1].startswith("--") and "=" not in out[-1] and out[-1] != "--":
            out[-1] += "=" + word
        else:
            out.append(word)
    return out


_NEGATIVE = re.compile(r"-\.?\d")
_epochs = int_at_least(1, MAX_EPOCHS, EPOCHS_WHY)
"""Training epochs (nasloop train)."""


def _version() -> str:
    """The running code's version: setup.cfg reads it from there, so an install's metadata says the same, while a
    checkout run through PYTHONPATH beside another installed nasloop is not given that one's metadata."""
    from .. import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nasloop", description="Predictor-guided neural architecture search.")
    parser.add_argument("--version", action="version", version=f"nasloop {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show the log (data loading, workers, ...) and the traceback of an unexpected error")
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE.py|MODULE",
                        help="import a plugin file or module first, so its spaces, strategies, ... are known "
                             "(repeatable; a search records it and your --resume loads it again)")
    # COMMAND, not the list of all 13 commands, which overflowed an 80-column terminal's usage line twice
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    s = sub.add_parser("search", help="run (or resume) a search",
                       description="Run a search. Flags override the --config file; options of a plugin "
                                   "go in --strategy-opt KEY=VALUE and friends.")
    s.add_argument("--config", type=path_arg, help="YAML file of SearchConfig keys")
    s.add_argument("--resume", metavar="RUN_DIR", type=path_arg, help="continue the run in RUN_DIR")
    s.add_argument("--space", help="search space (see 'nasloop spaces'); default nb201")
    s.add_argument("--dataset", help="dataset or benchmark task (default: the space benchmark's first, e.g. cifar10)")
    s.add_argument("--strategy", help="search strategy (see 'nasloop strategies'); default evolution")
    s.add_argument("--predictor",
                   help="predictor of a guided strategy (bananas, predictor-topk); see 'nasloop predictors'")
    s.add_argument("--evaluator", help="how architectures are evaluated; default tabular")
    s.add_argument("--executor", help="where evaluations run; default inprocess")
    s.add_argument("--budget", type=positive_int,
                   help="distinct evaluations to spend; default 100 (none with --max-seconds alone)")
    s.add_argument("--max-seconds", type=positive_float,
                   help="stop once evaluations cost this many (simulated) seconds; the one crossing it (and any "
                        "running beside it) still finishes, so the cost can pass it by that evaluation's")
    s.add_argument("--seed", type=seed_int, help="random seed; same seed and config, same search")
    s.add_argument("--fidelity", "--epochs", type=fidelity_arg,
                   help="epochs to evaluate at (a table's: default the most; --evaluator train's: default 12)")
    s.add_argument("--objective", help="metric to maximise; default the evaluator's (the benchmark task's own "
                                        "metric, e.g. val_accuracy; --evaluator proxy: the first proxy)")
    s.add_argument("--minimize", action="store_true", default=None, help="minimise --objective instead")
    s.add_argument("--objectives", type=name_list, metavar="METRIC:max|min,...",
                   help="several objectives, e.g. val_accuracy:max,params_m:min (strategies: random, evolution, bo)")
    s.add_argument("--reference-point", type=float_list, metavar="V1,V2,...",
                   help="hypervolume reference point for --objectives, one value per objective, in the metrics' units")
    s.add_argument("--dedup", choices=("exact", "functional"),
                   help="answer repeats of the same (exact) or an equivalent (functional) architecture from the store")
    s.add_argument("--data-dir", type=path_text,
                   help="folder holding benchmark data (else $NASLOOP_DATA, then $XDG_CACHE_HOME/nasloop or "
                        "~/.cache/nasloop)")
    s.add_argument("--run-dir", type=path_text,
                   help="where the run is stored; default runs/<space>-<dataset>-<strategy>-s<seed>-<time>")
    for kind in OPTION_FLAGS:
        s.add_argument(f"--{kind}-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                       help=f"an option of the {kind} (repeatable){_OPTION_FORMS.get(kind, '')}")
    add_shorthand_flags(s)  # --proxies, --device, --workers, ...: one definition, compare's too
    s.add_argument("--tensorboard", type=path_text, metavar="DIR",
                   help="log the search as TensorBoard scalars (pip install 'nasloop[tensorboard]')")
    s.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    s.add_argument("--quiet", action="store_true", help="no progress bar")

    show = sub.add_parser("show", help="summarise a run")
    show.add_argument("run_dir", type=path_arg, help="a run's folder (search's --run-dir)")
    show.add_argument("--json", action="store_true", help="print one JSON object")

    export = sub.add_parser("export", help="write a run's evaluations to CSV or JSON")
    export.add_argument("run_dir", type=path_arg, help="a run's folder (search's --run-dir)")
    export.add_argument("output", type=out_file_arg, help="file name ending in .csv or .json")
    export.add_argument("--all", action="store_true",
                        help="also the rows of proposals that repeated an evaluation still running (repeats of "
                             "finished ones are only counted: duplicates_answered)")
    export.add_argument("--pareto", action="store_true",
                        help="only the Pareto front of a run with several objectives (--objectives)")

    for name, help_text in (("spaces", "list search spaces"), ("strategies", "list strategies"),
                            ("evaluators", "list evaluators"), ("executors", "list executors")):
        sub.add_parser(name, help=help_text).add_argument("name", nargs="?",
                                                           help="one of them: its description and options")

    add_predictor_commands(sub)

    px = sub.add_parser("proxies", help="score architectures with zero-cost proxies",
                        description="Build each architecture's network and score it on a real mini-batch.")
    px.add_argument("--space", default="nb201", help="search space (default nb201)")
    which = px.add_mutually_exclusive_group(required=True)
    which.add_argument("--archs-file", type=path_arg,
                       help="file with one architecture string per line (# starts a comment)")
    which.add_argument("--sample", type=positive_int, help="score N architectures drawn from the space")
    which.add_argument("--all", action="store_true", help="score every architecture of an enumerable space "
                                                          "(with --out)")
    px.add_argument("--seed", type=seed_int, default=0, help="seed for --sample and the proxies (default 0)")
    px.add_argument("--proxies", type=name_list, default=["synflow"],
                    help="comma-separated proxy names (default synflow)")
    px.add_argument("--dataset", default="cifar10", help="dataset of the mini-batch: cifar10 (default) or imagenet, "
                                                         "an image folder's train/<class>/ images")
    px.add_argument("--image-dir", type=path_text, help="with --dataset imagenet: the image folder (default: "
                                                        "'imagenet' in the data folder), as the train evaluator's "
                                                        "image_dir")
    px.add_argument("--resolution", type=int_at_least(8, 1024),  # None: not given (64), refused on cifar10 if given
                    help="with --dataset imagenet: the side images are decoded at (default 64)")
    px.add_argument("--crop-fraction", type=fraction_from(0.1),  # None: not given (1.0), as --resolution
                    help="with --dataset imagenet: the centre share of the shorter side kept (default 1.0)")
    px.add_argument("--batch-size", type=positive_int, default=64, help="mini-batch size (default 64)")
    px.add_argument("--device", default="cpu", help=f"{DEVICES} (default cpu)")
    px.add_argument("--data-dir", type=path_text, help="folder holding the dataset")
    px.add_argument("--space-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                    help="an option of the search space, e.g. channels=8 (repeatable)")
    px.add_argument("--json", action="store_true", help="print a JSON list of {arch, scores, seconds}")
    px.add_argument("--out", type=out_file_arg, help="append one CSV row per architecture as it is scored; the same "
                                             "command continues a killed run, and --proxies naming the file's "
                                             "and more adds the others to it. Named <space>-<dataset>-proxies.csv "
                                             "in a data folder, its proxies become stored ones")
    px.add_argument("--executor", default="inprocess", help="with --out: inprocess (default) or ray")
    px.add_argument("--workers", type=positive_int, help="with --out and --executor ray: architectures scored at once")

    tr = sub.add_parser("train", help=(said := "train one architecture and report its accuracy"),
                        description=said[0].upper() + said[1:] + ".")
    tr.add_argument("--space", default="nb201", help="search space (default nb201)")
    tr.add_argument("--arch", required=True, help="architecture string")
    tr.add_argument("--dataset", default="cifar10", help="cifar10 or imagenet (default cifar10)")
    tr.add_argument("--epochs", type=_epochs, default=1, help="epochs to train (default 1)")
    tr.add_argument("--device", default="auto", help=f"{DEVICES} (default auto)")
    tr.add_argument("--seed", type=seed_int, default=0, help="seed of the initial weights, data order and "
                    "validation split, not a NAGO point's draw (default 0)")
    tr.add_argument("--train-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                    help="a training option such as batch_size=256 or train_images=2000 (repeatable)")
    tr.add_argument("--space-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                    help="an option of the search space, e.g. NB201's channels=8, cells=1 (repeatable)")
    tr.add_argument("--data-dir", type=path_text, help="folder holding the dataset")
    tr.add_argument("--json", action="store_true", help="print one JSON object")

    add_test_command(sub)
    add_study_commands(sub)

    data = sub.add_parser("data", help="benchmark data").add_subparsers(
        dest="data_command", required=True, parser_class=_Parser, metavar="COMMAND")  # not its dest, data_command
    imp = data.add_parser("import", help="convert public benchmark files into nasloop's own table",
                          description="Convert a space's public benchmark files (recognised by content) into "
                                      "nasloop's own table, e.g. nb201.npz; later files override earlier ones "
                                      "for the cells they cover.")
    imp.add_argument("files", nargs="+", type=path_arg, metavar="FILE", help="a public benchmark file or table")
    imp.add_argument("--space", default="nb201",
                     help="search space whose benchmark the files belong to (default nb201), or a family of "
                          "spaces whose files say which member they are (nds)")
    imp.add_argument("--out", type=path_arg, metavar="DIR",
                     help="output folder (default: $NASLOOP_DATA, else ~/.cache/nasloop)")
    imp.add_argument("--replace", action="store_true",
                     help="write over a table in the folder that holds architectures or results the import lacks "
                          "(refused otherwise)")
    return parser
