"""The methods a study compares, as the user writes them.

A method is written ``strategy[:predictor][+key[=value]]...`` (``predictor-topk:flan+warmup=null``,
``evolution+population_size=100``): each ``+key=value`` goes to the strategy if it takes ``key``,
else to the predictor (the strategy's default where none is named); a bare ``+key`` means ``key: true``
(``predictor-topk:flan+warm_start``), and is refused for an option that takes a value. ``+flan.ensemble=2``
is the predictor's ``ensemble``, as ``--predictor-opt`` reads it. A YAML file may list methods with their
full options instead, read alike.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .config import underscored
from .errors import ConfigError, RegistryError
from .guided import guided_strategies, predictor_of
from .options import check_options, option_names
from .registry import PREDICTORS, STRATEGIES
from .run_checks import random_start, random_start_note
from .user_files import load_yaml_text, read_yaml
from .value_texts import same_option_value


@dataclass(frozen=True)
class Method:
    """One compared configuration: a strategy, its predictor, and their options."""

    label: str
    strategy: str
    predictor: str | None = None
    strategy_options: dict[str, Any] = field(default_factory=dict)
    predictor_options: dict[str, Any] = field(default_factory=dict)

    @property
    def guide(self) -> tuple[str, Mapping[str, Any], str | None, Mapping[str, Any]]:
        """What decides whether its runs read the study's dataset (:data:`nasloop.engine.assemble.Guide`)."""
        return self.strategy, self.strategy_options, self.predictor, self.predictor_options

    @property
    def folder(self) -> str:
        """The label as a run folder name: see :func:`folder_name`."""
        return folder_name(self.label)


FOLDER_BYTES = 96
"""The longest run folder name kept whole, in UTF-8 bytes: file systems take 255, and a long method (many options,
or a name in a script of three bytes a letter) failed as 'File name too long' after the study was recorded."""


def _kept(char: str) -> bool:
    """Whether a run folder name keeps ``char``: a letter, mark or digit of any script, or ``.``, ``_``, ``+``, ``-``
    (all safe in file names on Linux, macOS and Windows)."""
    return char in "._+-" or unicodedata.category(char)[0] in "LMN"


def has_letter(label: str) -> bool:
    """Whether ``label`` has a letter or digit (of any script) to name its run folder."""
    return any(unicodedata.category(char)[0] in "LN" for char in label)


def folder_name(label: str) -> str:
    """A method's label as its run folder name: ``:`` as ``-``, each run of other characters than :func:`_kept`
    ones as ``_`` (``bananas:gp`` is ``bananas-gp``, ``+warmup=null`` is ``+warmup_null``; ``évolution`` and
    ``进化`` stay whole, where ASCII-only names made ``_volution`` and ``_``). NFC-normalised, so one name written
    two ways (composed or not) is one folder, as macOS file systems treat them; past :data:`FOLDER_BYTES`, cut,
    with a hash of the whole name, as is a name Windows cannot make or reads as another (:func:`_not_on_windows`)."""
    text = unicodedata.normalize("NFC", label.replace(":", "-"))
    name = re.sub("\0+", "_", "".join(char if _kept(char) else "\0" for char in text))
    return name if len(name.encode()) <= FOLDER_BYTES and not _not_on_windows(name) else _with_digest(name, text)


WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})
"""Names Windows keeps for devices, with any extension (``aux.v2``): no folder can have them there."""


def _not_on_windows(name: str) -> bool:
    """Whether Windows cannot make the folder ``name`` (a device name: ``con``, ``aux``), or makes it as another:
    a trailing ``.`` is dropped there, so ``evolution.`` and ``evolution`` were one folder."""
    return name.endswith(".") or name.split(".")[0].casefold() in WINDOWS_DEVICES


def _with_digest(name: str, text: str) -> str:
    """``name``, cut to fit :data:`FOLDER_BYTES` with a hash of ``text`` (the whole label) after it."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return name.encode()[:FOLDER_BYTES - len(digest) - 1].decode(errors="ignore") + "-" + digest


def _folded(name: str) -> str:
    """A folder name as case-insensitive file systems compare them (macOS, Windows): ``Evolution`` is
    ``evolution`` there."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def assign_folders(methods: list[Method], folders: Mapping[str, str]) -> dict[str, str]:
    """Each method's run folder: its recorded one in ``folders`` (a study's, kept where its runs are), else its
    :func:`folder_name`, which takes a hash of the label where it equals an earlier method's folder but for letter
    case: ``Evolution`` and ``evolution`` made two folders on Linux and one on macOS and Windows, where the second
    method's runs then failed or were read as the first's. Folders equal in every letter are left for
    :func:`folder_clash` to refuse (``bananas:gp``, ``bananas-gp``: one method named twice, most likely)."""
    assigned = {m.label: folders[m.label] for m in methods if m.label in folders}
    for method in methods:
        if method.label in assigned:
            continue
        name = method.folder
        if name not in assigned.values() and _folded(name) in {_folded(f) for f in assigned.values()}:
            name = _with_digest(name, unicodedata.normalize("NFC", method.label))
        assigned[method.label] = name
    return assigned


def ascii_folder_name(label: str) -> str:
    """The run folder name of studies recorded before folders were (:func:`folder_name` kept ASCII only), where
    their runs still are."""
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", label.replace(":", "-"))


def method_random_start_note(method: Method, budget: int) -> str | None:
    """What a method's runs are when the budget is no longer than its strategy's random start (see
    :func:`.run_checks.random_start_note`), named by the method."""
    try:
        said = random_start_note(method.strategy, method.strategy_options, budget)
    except RegistryError:  # a plugin's strategy that 'report' has not loaded: this note is left out, not the report
        return None
    return None if said is None else f"method '{method.label}': {said.replace('so this', 'so each')}"


def method_start_columns(method: Method, budget: int, columns: list[int]) -> str | None:
    """The note for a method whose random start ends within the budget but after some of the report's columns: those
    columns measure the start, not the strategy (at 60 queries, evolution's @7, @15 and @30 were random search's to
    the digit, the same cells on the same seeds, and said nothing of evolution)."""
    try:
        factory = STRATEGIES.get(method.strategy)
    except RegistryError:  # a plugin's strategy that 'report' has not loaded: this note is left out, not the report
        return None
    start = random_start(factory, method.strategy_options)
    early = [f"@{column}" for column in columns if start is not None and column <= start < budget]
    if not early:
        return None
    return (f"Method '{method.label}': {', '.join(early)} {'fall' if len(early) > 1 else 'falls'} within the first "
            f"{start} evaluations ({factory.random_start}), which {method.strategy} makes before it uses the results "
            f"it has seen: {'they measure' if len(early) > 1 else 'it measures'} that start, not its search, and so "
            "does its average rank at those budgets.")


def run_folder(method: Method, folders: Mapping[str, str] | None) -> str:
    """``method``'s run folder under ``runs/``: the one a study recorded for its label in ``folders`` (kept where its
    runs are, whatever rule made it), else :attr:`Method.folder`."""
    return (folders or {}).get(method.label) or method.folder


def folder_clash(methods: list[Method], folders: Mapping[str, str] | None = None) -> tuple[Method, Method] | None:
    """The first two methods whose different labels make the same run folder (``bananas:gp``, ``bananas-gp``);
    ``folders`` gives a study's recorded folder of a label.

    Their runs would share one folder: the second method's runs would fail ("already holds a run") and the
    report would credit the first method's runs to both.
    """
    seen: dict[str, Method] = {}
    for method in methods:
        first = seen.setdefault(run_folder(method, folders), method)
        if first.label != method.label:
            return first, method
    return None


def parse_method(spec: str) -> Method:
    """``strategy[:predictor][+key[=value]]...`` as a :class:`Method`; unknown names fail in one line."""
    head, *extras = [part.strip() for part in spec.split("+")]
    strategy, colon, predictor = (p.strip() for p in head.partition(":"))
    if not strategy:
        raise ConfigError(f"method '{spec}' names no strategy; write strategy[:predictor][+key=value...], "
                          "e.g. predictor-topk:flan+warmup=null")
    if colon and not predictor:  # ran as the strategy's default under another name: a predictor left out
        raise ConfigError(f"method '{spec}' names no predictor after ':'; write {strategy}:PREDICTOR with one "
                          f"that 'nasloop predictors' lists, or {strategy} alone")
    strategy_factory = STRATEGIES.get(strategy)
    _check_pairing(f"method '{spec}'", strategy, predictor or None)
    guide = predictor_of(strategy, predictor or None)  # its options go to the default, as a methods file's do
    predictor_factory = PREDICTORS.get(guide) if guide else None
    strategy_options: dict[str, Any] = {}
    predictor_options: dict[str, Any] = {}
    for extra in extras:
        key, has_value, text = (p.strip() for p in extra.partition("="))
        value = load_yaml_text(text, f"the value of '{key}' in method '{spec}'") if has_value else True
        earlier = {**strategy_options, **predictor_options}  # '+k=5+k=6': the last one silently won
        if key in earlier and not same_option_value(earlier[key], value):
            raise ConfigError(f"method '{spec}' gives option '{key}' two values; give it once")
        option = key
        if "." in key and guide is not None:  # NAME.KEY, as --predictor-opt reads it
            option = _dotted_option(f"method '{spec}'", key, text if has_value else "true", strategy, guide, False)
        if option == key and key in option_names(strategy_factory):
            strategy_options[key] = value
            taker, listing = strategy_factory, f"strategies {strategy}"
        elif predictor_factory is not None and option in option_names(predictor_factory):
            predictor_options[key] = value
            taker, listing = predictor_factory, f"predictors show {guide}"
        else:
            owner = f"predictor '{guide}'" if predictor else f"its default predictor '{guide}'"
            takers = f"neither strategy '{strategy}' nor {owner} takes" if guide else f"strategy '{strategy}' takes no"
            offered = f"strategy options: {', '.join(option_names(strategy_factory)) or 'none'}" + (
                f"; predictor options: {', '.join(option_names(predictor_factory)) or 'none'}" if guide else "")
            raise ConfigError(f"method '{spec}': {takers} option '{key}'; {offered}")
        if not has_value:  # true, which an option of names or numbers refused as 'got True'
            try:
                check_options("", taker, {option: True})
            except ConfigError:
                raise ConfigError(f"method '{spec}': option '{key}' takes a value, and a bare '+{key}' means true; "
                                  f"write +{key}=VALUE (see 'nasloop {listing}')") from None
    return Method(spec, strategy, predictor or None, strategy_options, predictor_options)


def _dotted_option(where: str, key: str, value: str, strategy: str, predictor: str, in_file: bool,
                   given: str | None = None) -> str:
    """The option ``NAME.KEY`` (``flan.ensemble``) gives a method's ``predictor``, read as ``--predictor-opt`` reads
    one (see :func:`.predictor_options.options_per_predictor`): KEY, where NAME is that predictor. Any other NAME is
    refused in the form the method was written in (``value`` as written), a methods file's predictor_options
    (``in_file``) or --methods, where the run's own refusal named ``--predictor-opt``, which a search study refuses,
    and --methods refused ``flan.ensemble`` that a methods file applied. ``given`` names what the user wrote, where
    that was not ``key`` (options nested under NAME)."""
    name, _, option = key.partition(".")
    if name == predictor and option:
        return option
    given = given or (f"predictor_options key '{key}'" if in_file else f"option '{key}'")
    alone = f"'{option or 'KEY'}: {value}' in its predictor_options" if in_file else f"+{option or 'KEY'}={value}"
    if not option or (name not in PREDICTORS and not PREDICTORS.get(predictor).holds_predictors):
        raise ConfigError(f"{where}: {given} names no option of its predictor '{predictor}'; write {alone} (or "
                          f"{predictor}.{option or 'KEY'})")
    if PREDICTORS.get(predictor).holds_predictors:  # a blend: it hands each member the options inside members
        members = f"members: {{{name}: {{{option}: {value}}}, ...}}"
        fix = (f"write '{members}' in its predictor_options" if in_file else f"give the method in a --methods-file "
               f"with '{members}' in its predictor_options (--methods splits at commas)")
        raise ConfigError(f"{where}: {given} names predictor '{name}', and {predictor} passes its members only the "
                          f"options inside its members option; {fix}, listing every member")
    fix = (f"write predictor: {name} and '{option}: {value}' in its predictor_options" if in_file
           else f"write {strategy}:{name}+{option}={value}")
    raise ConfigError(f"{where}: {given} is for predictor '{name}', which the method does not use (it ranks with "
                      f"{predictor}); drop it, or {fix}")


def _refuse_nested(where: str, options: Mapping[str, Any], strategy: str, predictor: str) -> None:
    """Options nested under a predictor's name in a methods file's predictor_options (``{gp: {lr: 1}}``, the form
    ``evaluate_predictors`` takes), refused in that file's words: the run's refusal named ``--predictor-opt``, which a
    search study refuses, and Python's ``predictor_options={'gp.lr': ...}``."""
    for key, value in options.items():
        if not isinstance(value, Mapping) or key not in PREDICTORS or key in option_names(PREDICTORS.get(predictor)):
            continue
        option, text = next(((k, json.dumps(v, default=str)) for k, v in value.items()), ("KEY", "VALUE"))
        given = f"predictor_options '{key}: {{{option}: {text}}}'"
        if key != predictor:  # another predictor's, or a blend's member's: said as NAME.KEY would be
            _dotted_option(where, f"{key}.{option}", text, strategy, predictor, True, given)
        raise ConfigError(f"{where}: {given} nests options under its predictor's name, which a method does not read; "
                          f"write them unnested, e.g. '{option}: {text}' in its predictor_options")


def _check_pairing(method: str, strategy: str, predictor: str | None) -> None:
    """A predictor given to a strategy that uses none, refused in a study's words: the run's own check would say
    'drop --predictor', a flag a study does not have."""
    if predictor is not None and strategy not in guided_strategies():
        raise ConfigError(f"{method}: strategy '{strategy}' uses no predictor; write '{strategy}' alone, or pair "
                          f"'{predictor}' with a guided strategy "
                          f"({', '.join(f'{g}:{predictor}' for g in guided_strategies())})")


def read_methods(path: Path) -> list[Method]:
    """A YAML list of ``{name, strategy, predictor, strategy_options, predictor_options}`` (keys may be spelt with
    dashes, as in a search config file)."""
    entries = read_yaml(path, "--methods-file")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path} must be a YAML list of methods, each with a name and a strategy")
    methods = []
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, dict):  # strategy-options, as a search config file takes it (it was "unknown key")
            entry = underscored(entry, f"{path}: method {number}")
        if not isinstance(entry, dict) or not isinstance(entry.get("strategy"), str):
            raise ConfigError(f"{path}: method {number} needs at least 'strategy: NAME'")
        if entry.get("predictor") is not None and not isinstance(entry["predictor"], (str, int, float)):
            # a list or a mapping reached the registry, which could not look it up: a TypeError's traceback
            raise ConfigError(f"{path}: method {number}'s predictor must be one predictor's name, got "
                              f"{entry['predictor']!r}; e.g. predictor: flan (a blend of several: predictor: blend)")
        unknown = set(entry) - {"name", "strategy", "predictor", "strategy_options", "predictor_options"}
        if unknown:
            raise ConfigError(f"{path}: method {number} has an unknown key '{sorted(unknown)[0]}'; keys: name, "
                              "strategy, predictor, strategy_options, predictor_options")
        try:  # the registry's line alone named neither the file nor which of its methods
            STRATEGIES.get(entry["strategy"])
            if entry.get("predictor") is not None:
                PREDICTORS.get(entry["predictor"])
        except RegistryError as exc:
            raise ConfigError(f"{path}: method {number}: {exc}") from None
        if entry.get("predictor") is not None:
            _check_pairing(f"{path}: method {number}", entry["strategy"], entry["predictor"])
        for key, example in (("strategy_options", "{population_size: 100}"), ("predictor_options", "{ensemble: 2}")):
            if not isinstance(entry.get(key) or {}, dict):  # dict() of a list or a number was a TypeError
                raise ConfigError(f"{path}: method {number}'s {key} must be a mapping of option: value, e.g. "
                                  f"{example}; got {entry[key]!r}")
            # {1: 2} was refused later, in a line that named neither the file nor the method
            if not all(isinstance(option, str) for option in entry.get(key) or {}):
                raise ConfigError(f"{path}: method {number}'s {key} must be a mapping with string keys, "
                                  f"each an option's name, e.g. {example}; got {entry[key]!r}")
        if entry.get("predictor_options") and entry["strategy"] not in guided_strategies():  # not '--predictor-opt'
            raise ConfigError(f"{path}: method {number}: strategy '{entry['strategy']}' uses no predictor; drop its "
                              f"predictor_options, or choose a guided strategy ({', '.join(guided_strategies())})")
        guide = predictor_of(entry["strategy"], entry.get("predictor"))
        if guide is not None:
            _refuse_nested(f"{path}: method {number}", entry.get("predictor_options") or {}, entry["strategy"],
                           str(guide))
        for key, value in (entry.get("predictor_options") or {}).items():
            if "." in key and guide is not None:  # NAME.KEY, as --predictor-opt reads it and --methods takes it
                _dotted_option(f"{path}: method {number}", key, json.dumps(value, default=str), entry["strategy"],
                              str(guide), True)
        if isinstance(entry.get("name"), (list, dict, bool)):  # str() of [a, b] named a method "['a', 'b']"
            raise ConfigError(f"{path}: method {number}'s name must be text, got {entry['name']!r}; quote it, e.g. "
                              "name: 'evolution-small'")
        named = entry.get("name") is not None  # 'name: 0' or '' was taken for no name: the strategy's, silently
        label = str(entry["name"] if named
                    else entry["strategy"] + (f":{entry['predictor']}" if entry.get("predictor") else ""))
        if any(unicodedata.category(char) == "Cc" for char in label):  # a line break split its row of every table
            raise ConfigError(f"{path}: method {number} is named {label!r}, with a line break or another control "
                              "character, which splits its row of the report's tables; give it a name on one line")
        if not has_letter(label):  # '..' put the method's runs beside runs/, outside the study
            raise ConfigError(f"{path}: method {number} is named '{label}', which has no letter or digit (of any "
                              "script) to name its run folder; give it a name such as 'evolution-small'")
        methods.append(Method(label, entry["strategy"], entry.get("predictor"),
                              dict(entry.get("strategy_options") or {}), dict(entry.get("predictor_options") or {})))
    return methods


ADVICE = re.compile(r"--(predictor|strategy)-opt (?:'(\w+)=([^']*)'|(\w+)=([^\s'),;]*[^\s'),;:]))")
"""A plugin's ``--predictor-opt KEY=VALUE`` (or ``--strategy-opt``) advice, quoted (a list, a blend's members) or
not (up to a space, quote or punctuation: 'add --predictor-opt space_id=true: ...' ends at 'true')."""
ADVICE_RUN = re.compile(rf"(?:{ADVICE.pattern})(?:\s+(?:{ADVICE.pattern}))*")
"""Advice of several options given together ('--strategy-opt A=1 --strategy-opt B=2'), rewritten as one fix."""


@dataclass(frozen=True)
class MethodSource:
    """Where the user wrote a study's method, recorded with the study (:attr:`.study_grid.Study.sources`) so that a fix
    of its runs is advised there, in that form, by ``compare``, ``report`` and ``show`` alike: entry ``entry``
    (from 1) of the methods file ``file`` (its absolute path, so that it names the file from any folder; a study
    recorded before then holds the name as typed), or ``--methods`` where ``file`` is None."""

    file: str | None = None
    entry: int | None = None


def read_sources(record: Any) -> dict[str, MethodSource]:
    """A study.json's recorded :class:`MethodSource` of each method by label (absent from studies made before they
    were: none, whose fixes name both forms), checked, so that a damaged one fails naming the file."""
    if record is None:
        return {}
    if not isinstance(record, dict) or not all(isinstance(v, dict) for v in record.values()):
        raise ValueError(f"its sources are {record!r}, not a mapping of method to where it was written")
    sources = {}
    for label, value in record.items():
        source = sources[str(label)] = MethodSource(**value)
        numbered = isinstance(source.entry, int) and not isinstance(source.entry, bool)
        if not (source.file is None and source.entry is None or isinstance(source.file, str) and numbered):
            raise ValueError(f"its source of method {label!r} is {value!r}, neither a methods file and an entry "
                             "number in it nor --methods (both null)")
    return sources


def as_method_advice(text: str, source: MethodSource | None) -> str:
    """A method's refusal with its ``--predictor-opt KEY=VALUE`` or ``--strategy-opt`` advice written as the method
    takes the option where the user wrote it (``source``; None: not recorded, so both forms): a search study
    refuses ``--predictor-opt`` ("belongs to a predictor study") and has no ``--strategy-opt``, so 'add
    --predictor-opt space_id=true', and a user's strategy's required option given as '--strategy-opt width=VALUE',
    named a fix that the next command refused; a methods file's method was told a --methods option. Options advised
    together (a warm-up's proxies and its pool) are written together, in one place: a list among them sent one to a
    --methods-file and the other to '+key=value', which a methods file does not read."""
    def rewrite(match: re.Match[str]) -> str:
        found = [(m.group(1), *((m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))))
                 for m in ADVICE.finditer(match.group(0))]
        if len({kind for kind, _, _ in found}) > 1:  # a strategy's and a predictor's: each in its own options
            return " ".join(_method_options(kind, [(key, value)], source) for kind, key, value in found)
        return _method_options(found[0][0], [(key, value) for _, key, value in found], source)
    return ADVICE_RUN.sub(rewrite, text)


def _method_options(kind: str, options: list[tuple[str, str]], source: MethodSource | None) -> str:
    """``options`` (key, value) of the method's ``kind`` (strategy or predictor), as its source takes them."""
    written = " and ".join(f"'{key}: {value}'" for key, value in options)
    if source is not None and source.file is not None:
        return f"{written} (in the {kind}_options of method {source.entry} of {source.file})"
    # --methods splits at commas: a list is an option of a methods file's method, wherever the method was
    # written (or where that is not recorded, a study from before sources were)
    if any("," in value for _, value in options):
        return f"{written} (in the method's {kind}_options, in a --methods-file: --methods splits at commas)"
    plus, plural = "".join(f"+{key}={value}" for key, value in options), "s" * (len(options) > 1)
    if source is None:
        return f"'{plus}' (the method's option{plural}; in a methods file, {written} in its {kind}_options)"
    return f"'{plus}' (the method's option{plural})"
