"""Plugin options: checked against the constructor's type hints, reported from its signature.

A plugin's options are the named parameters of its constructor, as with scikit-learn's
estimators. Their type hints are the specification: ``int`` takes integers only (not ``True``,
not ``10.5``), ``float`` takes any real number, ``Literal[...]`` one of its values, ``X | None``
also null, and ``Annotated[int, Range(1)]`` adds bounds. So a misspelt, wrong-typed or
out-of-range option from a YAML file or ``--strategy-opt`` fails in one line naming the option,
what it takes and what it got, whether the plugin is built by the CLI or in a script, and no
plugin writes its own checks for these. Cross-option rules (``sample_size <= population_size``)
stay in the constructors that need them.

:class:`Configurable` gives every plugin kind this checking and a ``config()`` read back from the
same signature, so the options stored with a run always match what the constructor takes.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import functools
import inspect
import math
import numbers
import os
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Literal, Mapping, Union

import numpy as np

from .errors import ConfigError, one_line
from .hints import resolved_hints
from .option_bounds import Range, options_of, past_upper_bound_only, reading_stored

WIRING: tuple[str, ...] = ("space", "context")
"""Constructor parameters that are wiring, not options, unless a plugin kind says otherwise: the
search passes them, a user does not."""


PositiveInt = typing.Annotated[int, Range(1)]
NonNegativeInt = typing.Annotated[int, Range(0)]
PositiveFloat = typing.Annotated[float, Range(0, low_open=True)]
NonNegativeFloat = typing.Annotated[float, Range(0)]
Fraction = typing.Annotated[float, Range(0, 1, high_open=True)]
"""A share in [0, 1)."""
Width = typing.Annotated[int, Range(1, 4096)]
"""Channels of a network: a width beyond 4,096 is a typo, and would exhaust memory before failing."""
Depth = typing.Annotated[int, Range(1, 64)]
"""Repeats of a cell or stage in a network."""
CellStackDepth = typing.Annotated[int, Range(3, 64)]
"""Cells of a DARTS-style network: two reduction cells and at least one normal cell."""
MAX_EPOCHS = 10_000
Epochs = typing.Annotated[int, Range(1, MAX_EPOCHS)]
"""Training epochs. The longest published CIFAR-10 schedules train 1,800 (Shake-Shake, ShakeDrop; NB201's table 200,
DARTS's final training 600): more than 10,000 is a typo, which trained on for days (100,000 was accepted)."""
EPOCHS_WHY = "the longest published schedules train 1,800; more is taken for a typo"  # said with the bound
MAX_FIDELITY = 2**63 - 1
Fidelity = typing.Annotated[int, Range(1, MAX_FIDELITY)]
"""A search's fidelity (epochs for nasloop's evaluators, a plugin's own unit otherwise): what the store's integer holds
(10**20 epochs overflowed it, a traceback after the run folder was made)."""
LearningRate = typing.Annotated[float, Range(0, 1e30, low_open=True)]
"""An SGD step size. torch applies it as a float32 factor, so 1e300 failed inside torch's SGD; a merely huge one
(1e12) trains and is reported as diverged, with advice. 0 moved no weight: the untrained network was reported."""
TORCH_SEEDS = 2**63
"""torch.manual_seed takes a signed 64-bit integer: derived seeds are reduced modulo this."""
Seed = typing.Annotated[int, Range(0, TORCH_SEEDS - 1)]
"""A random seed every library below accepts (numpy takes any size, torch only 64 bits)."""


@dataclass(frozen=True)
class NonEmpty:
    """A string option that must not be empty (a plugin name, a file)."""


Name = typing.Annotated[str, NonEmpty()]
FileName = typing.Annotated[str | os.PathLike, NonEmpty()]  # text or a pathlib.Path, stored as text (see plain)


_PLURALS = {int: "integers", float: "numbers", bool: "true/false values", str: "strings"}


def _describe(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        ranges = [a.describe() for a in args[1:] if isinstance(a, Range)]
        empty, described = any(isinstance(a, NonEmpty) for a in args[1:]), _describe(args[0])
        return (f"a non-empty {described[2:]}" if empty else described) + (f" {' '.join(ranges)}" if ranges else "")
    if origin in (Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _describe(a) for a in args)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) if not isinstance(a, str) else a for a in args)
    if origin in (list, tuple, collections.abc.Sequence):
        item, bounds = args[0] if args else None, ""
        if typing.get_origin(item) is typing.Annotated:
            ranges = [a.describe() for a in typing.get_args(item)[1:] if isinstance(a, Range)]
            item, bounds = typing.get_args(item)[0], "".join(f" {r}" for r in ranges)
        return f"a list of {_PLURALS.get(item, 'values')}{bounds}"
    if origin in (dict, collections.abc.Mapping):  # YAML reads `5: 1` with an int key, which no option name is
        return "a mapping" + (" with string keys" if args and args[0] is str else "")
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return "a function"
    names = {int: "an integer", float: "a number", bool: "true or false", str: "a string", type(None): "null",
             os.PathLike: "a path"}
    if isinstance(hint, type) and hint not in names:  # a class: "a SearchSpace", as the builtin kinds read
        return f"a {hint.__name__}"
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def _fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` satisfies ``hint`` (types this module does not know are accepted)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or isinstance(hint, typing.TypeVar):
        return True
    if origin is typing.Annotated:
        if not _fits(value, args[0]):
            return False
        if any(isinstance(a, NonEmpty) for a in args[1:]) and not value:
            return False
        return all(a.holds(value) for a in args[1:] if isinstance(a, Range))
    if origin in (Union, types.UnionType):
        return any(_fits(value, a) for a in args)
    if origin is Literal:
        return any(value == a and type(value) is type(a) for a in args)
    if hint is type(None) or hint is None:
        return value is None
    if hint is bool:
        return isinstance(value, (bool, np.bool_))
    if hint is int:
        return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if hint is float:
        try:
            return (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
                    and math.isfinite(float(value)))
        except OverflowError:  # an integer too large for a float
            return False
    if hint is str:
        return isinstance(value, str)
    if origin in (list, tuple, collections.abc.Sequence):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            return False
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            args = (args[0],)
        return not args or all(_fits(v, args[0]) for v in value)
    if origin in (dict, collections.abc.Mapping):
        return isinstance(value, collections.abc.Mapping) and all(_fits(k, args[0]) for k in value if args)
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return callable(value)
    if hint is os.PathLike:
        return isinstance(value, (str, os.PathLike))
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def _init_hints(factory: Callable[..., Any]) -> dict[str, Any]:
    """The type hints of a plugin's options: its constructor's, under Configurable's checking wrapper."""
    return resolved_hints(inspect.unwrap(factory.__init__ if isinstance(factory, type) else factory))


def _wiring(factory: Callable[..., Any]) -> tuple[str, ...]:
    """The parameters that are not options: a plugin class's own ``wiring``, a bare constructor's the default's."""
    declared = factory.wiring if isinstance(factory, type) and issubclass(factory, Configurable) else WIRING
    return ("self", *declared)


def option_names(factory: Callable[..., Any]) -> list[str]:
    """The options a plugin takes: its constructor's named parameters, wiring excluded."""
    params = inspect.signature(factory).parameters.values()
    wiring = _wiring(factory)
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in wiring]


def describe_options(factory: Callable[..., Any]) -> list[tuple[str, str, str]]:
    """Each option of a plugin as (name, what it takes, its default), for ``nasloop strategies NAME``."""
    params, hints = inspect.signature(factory).parameters, _init_hints(factory)
    def written(value: Any) -> str:  # as --strategy-opt KEY=VALUE and YAML write it
        return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

    out = []
    for name in option_names(factory):
        default = params[name].default
        shown = "required" if default is inspect.Parameter.empty else f"default {written(default)}"
        out.append((name, _describe(hints[name]) if name in hints else "any value", shown))
    return out


def name_list(value: Any) -> Any:
    """A list option typed as one comma-separated string (``features=graph,proxies`` after KEY=) as a list of
    names; any other value unchanged, for the option's own check."""
    return [part.strip() for part in value.split(",")] if isinstance(value, str) else value


def effective_options(factory: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    """Every option of a plugin with the value it gets: ``options`` over its constructor's defaults."""
    params = inspect.signature(factory).parameters
    chosen = {name: params[name].default for name in option_names(factory)
              if params[name].default is not inspect.Parameter.empty}
    return {**chosen, **options}


def takes(factory: Callable[..., Any], parameter: str) -> bool:
    """Whether a plugin's constructor has a parameter called ``parameter`` (e.g. ``context``)."""
    return parameter in inspect.signature(factory).parameters


def check_options(owner: str, factory: Callable[..., Any], options: dict[str, Any],
                  kind: str | None = None) -> None:
    """Raise one ConfigError line for an option ``factory`` does not take or whose value does not fit.

    ``owner`` names the plugin in the message (``strategy 'evolution'``); ``kind`` is its kind (``strategy``), whose
    options may be a new run's where others are read as stored (:func:`.option_bounds.options_of`).
    """
    known = option_names(factory)
    for name in options:
        if name not in known:
            raise ConfigError(f"{owner} has no option '{name}'; it takes: {', '.join(known) or 'none'}")
    hints = _init_hints(factory)
    with options_of(kind):
        for name, value in options.items():
            hint = hints.get(name)
            if hint is not None and not _fits(value, hint):
                if reading_stored() and past_upper_bound_only(lambda: _fits(value, hint)):
                    raise ConfigError(f"{owner} option {name} is stored as {value!r}, which an older nasloop took "
                                      f"and this one bounds ({_describe(hint)}); a stored run keeps its options and "
                                      "cannot go on with this one: start a new run (or study) with a value in range")
                raise ConfigError(f"{owner} option {name} must be {_describe(hint)}, got {value!r}"
                                  f"{_colon_hint(value, hint)}")


def check_defaults(owner: str, factory: Callable[..., Any]) -> None:
    """One ConfigError line for an option whose default does not fit its own type hint (``scale: int = 2.5``): a
    user's value is refused by that hint, yet the plugin was built and ran with the default, unseen. A
    None default is left alone whatever the hint (``x: int = None`` is common Python for "optional"), as are hints
    isinstance cannot check (a Protocol)."""
    params, hints = inspect.signature(factory).parameters, _init_hints(factory)
    for name in option_names(factory):
        default, hint = params[name].default, hints.get(name)
        if default is inspect.Parameter.empty or default is None or hint is None or _checkable_fits(default, hint):
            continue
        written = params[name].annotation
        written = written if isinstance(written, str) else inspect.formatannotation(written)
        raise ConfigError(f"{owner} option {name} defaults to {default!r}, which its hint {written} does not take; "
                          f"change the default to {_describe(hint)}, or the hint to one that takes {default!r}")


def _checkable_fits(value: Any, hint: Any) -> bool:
    """:func:`_fits`, where a hint isinstance cannot check (a Protocol) takes any value."""
    try:
        return _fits(value, hint)
    except TypeError:
        return True


def check_wiring(owner: str, factory: type, arguments: Mapping[str, Any]) -> None:
    """One ConfigError line for the first wiring argument (the space, context, seed a script passes a plugin by
    hand) that does not fit its type hint, as options are checked: ``ForestPredictor("nb201")`` failed deep inside
    as an AttributeError naming neither the argument nor the fix. Hints isinstance cannot check are not."""
    hints = _init_hints(factory)
    for name in (n for n in _wiring(factory) if n in arguments and n in hints):
        value, hint = arguments[name], hints[name]
        if not _checkable_fits(value, hint):
            fix = f"; pass an instance, {value.__name__}(...)" if isinstance(value, type) else ""
            raise ConfigError(f"{owner}: {name} must be {_describe(hint)}, got {one_line(repr(value), 80)}{fix}")


def _colon_hint(value: Any, hint: Any) -> str:
    """Advice when a name read as a YAML mapping: ``[proxies:]`` or ``[graph: graph]`` typed for ``proxies:TASK``
    (none where the option takes mappings: there a mapping is meant)."""
    items = value if isinstance(value, list) else [value]
    pair = next((item for item in items if isinstance(item, dict) and len(item) == 1), None)
    if pair is None or _fits({}, hint) or _fits([{}], hint):
        return ""
    key, val = next(iter(pair.items()))
    return (f" (YAML read '{key}:{'' if val is None else ' ' + str(val)}' as a mapping: write a name with a colon "
            f"without spaces and with what follows it, e.g. {key}:{'NAME' if val is None else val})")


def check_fields(record: Any) -> None:
    """Check every field of a dataclass ``record`` against its type hint; one ConfigError line for the first misfit."""
    hints = resolved_hints(type(record))
    for item in dataclasses.fields(record):
        check_value(item.name, getattr(record, item.name), hints.get(item.name))


def check_value(name: str, value: Any, hint: Any) -> None:
    """One ConfigError line when ``value`` does not fit the type hint (None: anything fits)."""
    if hint is not None and not _fits(value, hint):
        raise ConfigError(f"{name} must be {_describe(hint)}, got {value!r}")


def plain(value: Any, paths: bool = True) -> Any:
    """``value`` with numpy's scalars made Python's and (with ``paths``) paths text, inside lists, tuples and dicts.

    numpy's numbers and a :data:`FileName`'s ``pathlib.Path`` fit the hints, but a run stores its configuration
    as JSON, which takes neither: a sweep over ``np.arange(5)`` seeds stopped in json's TypeError.
    """
    if isinstance(value, np.generic):
        return value.item()
    if paths and isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dict):
        return {key: plain(item, paths) for key, item in value.items()}
    if type(value) in (list, tuple):  # not a namedtuple or another subclass, whose constructors differ
        return type(value)(plain(item, paths) for item in value)
    return value


def _python_numbers(arguments: Mapping[str, Any], options: set[str]) -> dict[str, Any]:
    """The constructor's ``arguments`` with numpy's numbers made Python's: in the options, inside their lists and
    dicts too, and a wiring argument (a seed) itself. They fit the hints, but a seed of ``np.arange(5)``'s failed in
    a torch or numpy call at the first fit (TypeError, OverflowError) and could wrap around in int64 arithmetic."""
    return {name: plain(value, paths=False) if name in options else value.item()
            for name, value in arguments.items() if name in options or isinstance(value, np.generic)}


class Configurable:
    """Base of every plugin kind: options checked when constructed, ``config()`` from the signature.

    Each subclass's ``__init__`` is wrapped once, when the class is defined, so that the outermost
    constructor call checks the options it was given (see the module docstring) and the defaults it
    declares before running, and calls :meth:`_constructed` then ``config()`` after. Subclasses store
    each option under its own name (``self.population_size = population_size``), which is what
    ``config()`` reads back.
    """

    plugin_kind: ClassVar[str] = "plugin"
    wiring: ClassVar[tuple[str, ...]] = WIRING
    """Constructor parameters the search passes (the space, the run context...), which are not options."""
    options_given: frozenset[str] = frozenset()
    """The options a new run called the constructor with, not those it left at their defaults: an option a plugin does
    not read in its setting is refused at any value given (the train evaluator's ``resolution=64``, its default, on
    CIFAR-10), where the default's own value went through unseen. None of a stored run's or study's (read inside
    :func:`.option_bounds.stored_options`): one an older nasloop began with one goes on as it began."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_checks_options", False):
            return

        signature = inspect.signature(init)
        named = set(option_names(init)) - set(cls.wiring)

        @functools.wraps(init)
        def checked_init(self: Any, *args: Any, **options: Any) -> None:
            outermost = type(self).__init__ is checked_init
            if outermost:
                owner = f"{cls.plugin_kind} {type(self).__name__}"
                try:
                    bound = signature.bind(self, *args, **options)
                except TypeError:  # a misspelt option is named with the ones the plugin takes
                    bound = None
                if bound is None:
                    check_options(owner, type(self), {k: v for k, v in options.items() if k not in cls.wiring},
                                  cls.plugin_kind)
                    extra = next((k for k in options if k in cls.wiring and k not in signature.parameters), None)
                    if extra is not None:  # wiring it does not read: Python's error named no plugin and no fix
                        raise ConfigError(f"{owner} is not built with a {extra}; drop {extra}=")
                    bound = signature.bind(self, *args, **options)  # a wrong positional call: Python's own error
                check_options(owner, type(self), {k: v for k, v in bound.arguments.items() if k in named},
                              cls.plugin_kind)
                check_defaults(owner, type(self))
                check_wiring(owner, type(self), bound.arguments)
                with options_of(cls.plugin_kind):  # a stored run's options were given by the run that began it
                    given = () if reading_stored() else bound.arguments
                self.options_given = frozenset(name for name in given if name in named)
                bound.arguments.update(_python_numbers(bound.arguments, named))
                args, options = bound.args[1:], bound.kwargs
            init(self, *args, **options)
            if outermost:
                self._constructed()
                self.config()  # an option kept under another name is named as the plugin is built, not when read

        checked_init._checks_options = True  # type: ignore[attr-defined]
        cls.__init__ = checked_init  # type: ignore[method-assign]

    def _constructed(self) -> None:
        """Called once the outermost constructor has finished (hook for subclasses)."""

    @classmethod
    def unread_options(cls, *wiring: Any) -> dict[str, str]:
        """Options the plugin takes but never reads when built with ``wiring`` (its space...), each with what it
        does instead (bo's ``pool_size`` on NAGO's box). A search refuses any of them given, whatever the value: a
        constructor comparing with the default would let ``pool_size=1000`` through unseen, where 999 is refused."""
        return {}

    def config(self) -> dict[str, Any]:
        """The options that recreate this plugin, read from its constructor's signature: each stored under its own
        name. One kept under another failed as an AttributeError mid-run (FLAN keys its cache by the space's config),
        or in a script reading a plugin's after its run: it is named, with the fix, as the plugin is built."""
        names = option_names(type(self))
        try:
            return {name: getattr(self, name) for name in names}
        except AttributeError as exc:
            if exc.obj is not self or exc.name not in names:  # raised inside a property: not a missing option
                raise
            raise ConfigError(f"{self.plugin_kind} {type(self).__name__} keeps its option '{exc.name}' under another "
                              f"name; store each option under its own (self.{exc.name} = {exc.name}), where config() "
                              "reads it back") from None

