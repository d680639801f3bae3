"""Name → class registries for every plugin kind.

Our own plugins register with decorators when their module is imported. Each registry knows which
module holds each built-in name and imports it on first lookup, so a tabular search never pays for
torch, botorch or Ray. Installed plugin packages register through setuptools entry points (group
``nasloop.<kind>``): their names are listed from package metadata without importing anything, and
each is imported when it is first looked up, so a broken package names itself in one line and
hides no other plugin of its kind. A user's own file or module registers by decorator when
``--plugin`` imports it (:mod:`.plugins`).
"""
from __future__ import annotations

import importlib
import inspect
import os
import sys
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Callable, ClassVar, Generic, Iterator, Mapping, TypeVar

from .errors import ConfigError, PluginFault, RegistryError
from .held_imports import interrupt_held
from .near_words import near_words

T = TypeVar("T")


NAME_SEPARATORS = (":", "+", ",", "=")
"""What the command line reads between names (``--methods evolution,bananas:gp+num_init=5``)."""

Origin = tuple[str | None, str | None, str | None]
"""Where a plugin class was defined: (qualified name, module, the module's file)."""


def _origin(obj: object) -> Origin:
    """The :data:`Origin` of ``obj``, taken when it registers: a later plugin file of the same name replaces the
    module in ``sys.modules``."""
    module = getattr(obj, "__module__", None)
    path = getattr(sys.modules.get(module or ""), "__file__", None)
    return getattr(obj, "__qualname__", None), module, None if path is None else os.path.realpath(path)


def defined_by_nasloop(code: object) -> bool:
    """Whether a class or function is nasloop's own (tested with it), not a user's: a user's plugin is tried, or
    its declarations asked, where nasloop's need not be."""
    return str(getattr(code, "__module__", "")).startswith("nasloop.")


def refusal_for(*plugins: object) -> type[ConfigError]:
    """What refuses output that breaks a plugin contract, given the ``plugins`` whose code gave it (None: absent):
    a :class:`PluginFault` where a user's is among them, since a fix of that code lets the run continue where it
    stopped (stored 'interrupted' once evaluations stand, not 'failed'); ConfigError where all are nasloop's."""
    return ConfigError if all(defined_by_nasloop(type(p)) for p in plugins if p is not None) else PluginFault


def caller_module(depth: int = 2) -> str:
    """The module whose code called the function that calls this one (``depth`` frames up)."""
    return str(sys._getframe(depth).f_globals.get("__name__", ""))


def _same_definition(old: Origin | None, new: Origin) -> bool:
    """Whether ``new`` (an :func:`_origin`) is ``old``'s code run again: the same class from the same file (a script
    that registers its class and names itself as a plugin, ``plugins=["mine.py"]``, so that a resumed run loads it,
    is imported once more under another module name), or from a module without a file (a notebook cell re-run).
    Two plugin files of the same name in two folders are different definitions."""
    if old is None:  # an installed package's plugin, loaded by its entry point
        return False
    (name, module, path), (new_name, new_module, new_path) = old, new
    if name != new_name:
        return False
    return path == new_path if path is not None or new_path is not None else module == new_module


class RegisteredName:
    """The ``name`` a plugin base class gives a subclass that sets none: the name it is registered under (the first,
    for a class registered under several), else its class name. The base's own placeholder ('space') named every
    such user space alike in messages."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __get__(self, obj: object, cls: type) -> str:
        return self.registry.label(cls)


def sets_no_name(cls: type) -> bool:
    """Whether neither ``cls`` nor any ancestor below its kind's base sets a ``name``."""
    return isinstance(inspect.getattr_static(cls, "name", None), RegisteredName)


class Registry(Generic[T]):
    """A named collection of plugins of one kind."""

    taken: ClassVar[list[tuple[object, str]]] = []
    """Every object any registry has taken in this process, with the module whose code registered it, in order:
    what a plugin's import added, or for a module imported before, what it registered, tells a module that registers
    nothing (``--plugin my_package`` whose ``__init__`` imports none of its plugin modules, ``--plugin numpy``)."""

    loaded_plugins: ClassVar[list[str]] = []
    """The plugins :mod:`.plugins` imported in this process (a file's resolved path, or a module's name), in load
    order: an unknown name's message names them. Kept here, written by the loader, so that the registry need not
    import the loader, which imports it."""

    def __init__(self, group: str, kind: str, builtins: Mapping[str, str] | None = None, base: str | None = None,
                 named: str | None = None, ancestor_names: bool = False) -> None:
        self.kind = kind  # for messages: "unknown strategy 'x'"
        # Where its classes' ``name`` is how nasloop names them, what a ``name`` other than the registered one leads
        # to, for the refusal (see _check_own_name); ``ancestor_names``: a class may keep an ancestor's name, which
        # keys its files, or else a class that sets none of its own is given the one it is registered under.
        self._named, self._ancestor_names = named, ancestor_names
        self.entry_point_group = f"nasloop.{group}"
        self._builtins = dict(builtins or {})  # name → module that registers it, imported on first use
        self._base = base  # "module:Class" every registered class derives from, imported when one registers
        self._items: dict[str, T] = {}
        self._origins: dict[str, Origin] = {}
        self._entry_point_index: dict[str, EntryPoint] | None = None

    def register(self, name: str, registered_by: str | None = None, source: object = None) -> Callable[[T], T]:
        """Decorator: ``@registry.register("name")`` on a class deriving from the kind's base class (on a function
        for a kind without one). ``registered_by`` names the module whose code registers, for a decorator that wraps
        this one (``register_proxy``); by default, the module the decorator is applied in. ``source`` is what the
        registered object wraps (a proxy's function), whose definition tells a second registration of the name
        from a rerun of the same code: the wrapper's own class is the same for every proxy."""

        def decorate(obj: T) -> T:
            self._check_name(name)
            self._check_plugin(name, obj, source)
            self._check_own_name(name, obj)
            existing, origin = self._items.get(name), _origin(obj if source is None else source)
            if existing is not None and existing is not obj and not _same_definition(self._origins.get(name), origin):
                raise RegistryError(f"{self.kind} '{name}' is registered twice ({existing!r} and {obj!r}); "
                                    "pick another name")
            self._items[name], self._origins[name] = obj, origin
            if self._named and not self._ancestor_names and isinstance(obj, type) and "name" not in vars(obj):
                obj.name = name  # in the class, so a copy shipped to a Ray worker by value keeps it
            Registry.taken.append((obj, registered_by or caller_module()))
            return obj

        return decorate

    def _check_name(self, name: object) -> None:
        """A name the command line can give: ``compare --methods`` reads ``strategy:predictor+key=value`` lists
        split at commas, so a strategy registered as ``rand:y`` was looked up as 'rand', and an empty name listed as
        a blank row."""
        if not isinstance(name, str) or not name.strip() or name.startswith("-") or any(
                c in name for c in NAME_SEPARATORS) or any(c.isspace() for c in name):
            raise RegistryError(f"{self.kind} name {name!r} cannot be given on the command line; register it under a "
                                f"name without spaces or any of {' '.join(NAME_SEPARATORS)}, not starting with '-' "
                                "(e.g. 'my-strategy')")

    def _check_plugin(self, name: str, obj: object, source: object = None) -> None:
        """A user's class may not take a built-in's name (its runs would pass for the built-in's), and must derive
        from the kind's base class (or every check that relies on its interface fails later, with a traceback).
        ``source`` is what ``obj`` wraps (see :meth:`register`): its module tells a built-in, and its name is the
        one the user wrote (a proxy's wrapper is defined by the registry, for built-ins and plugins alike)."""
        code = obj if source is None else source
        home = self._builtins.get(name)
        if home is not None and getattr(code, "__module__", None) != home:
            raise RegistryError(f"{self.kind} '{name}' is built into nasloop; register "
                                f"{getattr(code, '__name__', code)} under another name")
        # 'Random' beside 'random': told apart by case alone, a run of one read as the other's in every listing
        twin = next((known for known in self._builtins if known.lower() == name.lower() and known != name), None)
        if twin is not None and getattr(code, "__module__", None) != self._builtins[twin]:
            raise RegistryError(f"{self.kind} '{name}' differs only in case from the built-in '{twin}'; register "
                                f"{getattr(code, '__name__', code)} under another name")
        twin = next((known for known in self._items if known.lower() == name.lower() and known != name), None)
        if twin is not None and twin not in self._builtins:  # two plugins' names: 'myx' beside 'MyX'
            raise RegistryError(f"{self.kind} '{name}' ({getattr(code, '__name__', code)}) differs only in case from "
                                f"'{twin}' ({getattr(self._items[twin], '__name__', self._items[twin])}), registered "
                                "before it; register one of them under another name")
        if self._base is not None:
            module, _, attribute = self._base.partition(":")
            if not isinstance(obj, type):  # the search reads class attributes (what a strategy requires...)
                raise RegistryError(f"{self.kind} '{name}': register a class deriving from {attribute}, not a "
                                    f"{type(obj).__name__}; to preset options, subclass a plugin and give its "
                                    "__init__ other defaults")
            base = getattr(importlib.import_module(module), attribute)
            if not issubclass(obj, base):
                raise RegistryError(f"{self.kind} '{name}': {obj.__name__} does not derive from {attribute}; "
                                    f"subclass {module}.{attribute}")

    def _check_own_name(self, name: str, obj: object) -> None:
        """One line for a class registered under one name whose own ``name`` is another: messages, proxy files and
        encodings name it by ``name``, so a space registered 'odd-name' with name 'other' was run as odd-name and
        advised '--space other', which no command takes; a benchmark registered 'mine' with name 'other' was named
        'other' and refused for the space whose ``benchmark = 'mine'``. Keeping an ancestor's name (a restriction of
        NB201 named 'nb201', reading its proxy files), by inheriting it or setting it, is left alone where
        ``ancestor_names``, as is ``name`` under which the same class is registered too (an alias)."""
        own = vars(obj).get("name") if self._named and isinstance(obj, type) else None
        if not isinstance(own, str) or own == name or self._items.get(own) is obj:
            return
        if self._ancestor_names and any(vars(parent).get("name") == own for parent in obj.__mro__[1:]):
            return
        raise RegistryError(f"{self.kind} '{name}': class {obj.__name__} sets name = {own!r}, and "
                            f"{self._named.format(own=own, name=name)}; set name = {name!r}, or register it as {own!r}")

    def _entry_points(self) -> dict[str, EntryPoint]:
        """Installed plugins of this kind by name, read from package metadata once (nothing imported)."""
        if self._entry_point_index is None:
            self._entry_point_index = {ep.name: ep for ep in entry_points(group=self.entry_point_group)}
        return self._entry_point_index

    def _load_entry_point(self, name: str) -> None:
        """Import the one installed plugin called ``name``; a broken one names itself and hides no other."""
        ep = self._entry_points().get(name)
        if ep is None or name in self._items:
            return
        try:
            with interrupt_held():  # as a built-in's: the package's imports (torch...), cut short, broke them for good
                loaded = ep.load()
        except Exception as exc:  # noqa: BLE001 - a third-party package can fail in any way
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise RegistryError(f"{self.kind} plugin '{name}' ({ep.value}) failed to load: {reason}; "
                                "fix or uninstall that package") from None
        if name in self._items and self._origins.get(name) == _origin(loaded):
            return  # its own decorator registered it as it was imported: keep that (a proxy's declared needs_data)
        self._check_plugin(name, loaded)
        self._items[name] = loaded

    def get(self, name: str) -> T:
        """The plugin called ``name``; only its own module is imported (a tabular search never loads torch)."""
        shadowing = self._entry_points().get(name) if name in self._builtins else None
        if shadowing is not None:  # else the package's plugin would silently be nasloop's own
            raise RegistryError(f"{self.kind} '{name}' is built into nasloop, and the installed plugin "
                                f"{shadowing.value} registers the same name; rename its entry point (or uninstall "
                                "that package) to use either")
        if name not in self._items and name in self._builtins:
            with interrupt_held():  # imports torch_geometric, botorch...: a Ctrl-C inside broke the process's imports
                importlib.import_module(self._builtins[name])
        if name not in self._items:
            self._load_entry_point(name)
        try:
            return self._items[name]
        except KeyError:
            names = self.names()
            loaded = Registry.loaded_plugins
            hint = (f"the plugin{'s' * (len(loaded) > 1)} loaded ({', '.join(Path(p).name for p in loaded)}) "
                    f"register{'s' * (len(loaded) == 1)} no {self.kind} by that name: check its register decorator"
                    if loaded else f"a plugin's {self.kind} needs --plugin FILE before the command, or in a script "
                    "its module imported first")
            raise RegistryError(f"unknown {self.kind} '{name}'{_did_you_mean(str(name), names)}; known: "
                                f"{', '.join(names) or 'none'} ({hint})") from None

    def label(self, obj: object) -> str:
        """How an error names the plugin ``obj`` (an instance or a class): the name it was registered under, which
        the user wrote, else its class's (a plugin built directly, never registered)."""
        cls = obj if isinstance(obj, type) else type(obj)
        return next((name for name, item in self._items.items() if item is cls), cls.__name__)

    def names_of(self, obj: object) -> list[str]:
        """Every name the plugin ``obj`` (an instance or a class) is registered under in this process: a class
        registered twice answers to both, though its ``name`` is the first."""
        cls = obj if isinstance(obj, type) else type(obj)
        return [name for name, item in self._items.items() if item is cls]

    def names(self) -> list[str]:
        """Every name: built-in, registered in this process, or installed (entry points are not imported)."""
        return sorted(set(self._items) | set(self._builtins) | set(self._entry_points()))

    def names_at_hand(self) -> list[str]:
        """The built-in names and those registered in this process: what can be built without importing an
        installed package."""
        return sorted(set(self._items) | set(self._builtins))

    def __contains__(self, name: str) -> bool:
        return name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


_PKG = __name__.rsplit(".", 2)[0]  # "nasloop"

# The NDS variants, one space and one benchmark each. Listed here rather than read from the NDS
# package so that the generic registry imports no concrete space; a test keeps the two lists equal.
NDS_NAMES = tuple(f"nds-{family}{suffix}" for suffix in ("", "-in") for family in
                  ("darts", "enas", "pnas", "nasnet", "amoeba")) + \
    tuple(f"nds-{family}-fix-w-d" for family in ("darts", "enas", "pnas"))

SEARCH_SPACES: Registry = Registry("search_spaces", "search space", {
    "nb201": f"{_PKG}.search_spaces.nb201.space", "nb101": f"{_PKG}.search_spaces.nb101.space",
    "tnb101-micro": f"{_PKG}.search_spaces.tnb101.space", "tnb101-macro": f"{_PKG}.search_spaces.tnb101.space",
    "nago": f"{_PKG}.search_spaces.nago.space", "darts": f"{_PKG}.search_spaces.darts.space",
    **{name: f"{_PKG}.search_spaces.nds.space" for name in NDS_NAMES}},
    base=f"{_PKG}.search_spaces.base:SearchSpace", ancestor_names=True,
    named="nasloop's messages and files name a search space by it (advising '--space {own}', which names no "
          "registered one)")
STRATEGIES: Registry = Registry("strategies", "strategy", {
    "random": f"{_PKG}.strategies.random_search", "evolution": f"{_PKG}.strategies.evolution",
    "local": f"{_PKG}.strategies.local_search", "bananas": f"{_PKG}.strategies.bananas",
    "predictor-topk": f"{_PKG}.strategies.predictor_topk", "bo": f"{_PKG}.strategies.bo"},
    base=f"{_PKG}.strategies.base:Strategy")
PREDICTORS: Registry = Registry("predictors", "predictor", {
    "random": f"{_PKG}.predictors.baselines", "zero-cost": f"{_PKG}.predictors.baselines",
    "flan": f"{_PKG}.predictors.flan", "emprox": f"{_PKG}.predictors.emprox", "gp": f"{_PKG}.predictors.gp",
    "forest": f"{_PKG}.predictors.forest", "blend": f"{_PKG}.predictors.blend",
    "mlp": f"{_PKG}.predictors.mlp"}, base=f"{_PKG}.predictors.base:Predictor")
EVALUATORS: Registry = Registry("evaluators", "evaluator", {
    "tabular": f"{_PKG}.engine.evaluators.tabular", "train": f"{_PKG}.engine.evaluators.train",
    "proxy": f"{_PKG}.engine.evaluators.proxy"}, base=f"{_PKG}.engine.evaluators.base:Evaluator")
EXECUTORS: Registry = Registry("executors", "executor", {
    "inprocess": f"{_PKG}.engine.executors.inprocess", "ray": f"{_PKG}.engine.executors.ray_executor"},
    base=f"{_PKG}.engine.executors.base:Executor")
BENCHMARKS: Registry = Registry("benchmarks", "benchmark", {
    "nb201": f"{_PKG}.search_spaces.nb201.benchmark", "nb101": f"{_PKG}.search_spaces.nb101.benchmark",
    "tnb101-micro": f"{_PKG}.search_spaces.tnb101.benchmark",
    "tnb101-macro": f"{_PKG}.search_spaces.tnb101.benchmark", "nb301": f"{_PKG}.search_spaces.darts.benchmark",
    **{name: f"{_PKG}.search_spaces.nds.benchmark" for name in NDS_NAMES}},
    base=f"{_PKG}.search_spaces.benchmark:Benchmark",
    named="nasloop's messages name a benchmark by it and match it to a space's benchmark attribute (refusing a "
          "space whose benchmark = '{name}' as tabulated by another)")

register_search_space = SEARCH_SPACES.register
register_strategy = STRATEGIES.register
register_predictor = PREDICTORS.register
register_evaluator = EVALUATORS.register
register_executor = EXECUTORS.register
register_benchmark = BENCHMARKS.register


def _did_you_mean(name: str, names: list[str]) -> str:
    """' (did you mean 'nb201'?)' for a name in another case or a slip off one that exists: names are matched
    exactly (a run stores the name it was given), and 'NB201', as papers write it, was refused with only the list
    of every space to find it in."""
    near = [known for known in names if known.lower() == name.lower()]
    near = near or near_words(name.lower(), names)
    return f" (did you mean '{near[0]}'?)" if near else ""
