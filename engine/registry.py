"""Name → class registries for every plugin kind.

Our own plugins register with decorators when their module is imported; installed plugin packages
register through setuptools entry points (group ``nasloop.<kind>``), loaded the first time a name
is looked up, so a user's class drops in without editing nasloop.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Callable, Generic, Iterator, TypeVar

from .errors import RegistryError

T = TypeVar("T")


class Registry(Generic[T]):
    """A named collection of plugins of one kind."""

    def __init__(self, group: str, kind: str, builtin_modules: tuple[str, ...] = ()) -> None:
        self.kind = kind  # for messages: "unknown strategy 'x'"
        self.entry_point_group = f"nasloop.{group}"
        self._builtin_modules = builtin_modules
        self._items: dict[str, T] = {}
        self._loaded = False

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: ``@registry.register("name")`` on a class or factory."""

        def decorate(obj: T) -> T:
            existing = self._items.get(name)
            if existing is not None and existing is not obj:
                raise RegistryError(f"{self.kind} '{name}' is registered twice ({existing!r} and {obj!r}); "
                                    "pick another name")
            self._items[name] = obj
            return obj

        return decorate

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._builtin_modules:
            importlib.import_module(module)
        for ep in entry_points(group=self.entry_point_group):
            if ep.name not in self._items:
                try:
                    self._items[ep.name] = ep.load()
                except Exception as exc:  # a broken third-party plugin must not break the others
                    raise RegistryError(f"{self.kind} plugin '{ep.name}' ({ep.value}) failed to load: {exc}; "
                                        "fix or uninstall that package") from exc

    def get(self, name: str) -> T:
        self._load()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise RegistryError(f"unknown {self.kind} '{name}'; known: {known}") from None

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        self._load()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


_PKG = __name__.rsplit(".", 2)[0]  # "nasloop"

SEARCH_SPACES: Registry = Registry("search_spaces", "search space", (f"{_PKG}.search_spaces.nb201",))
STRATEGIES: Registry = Registry("strategies", "strategy", (f"{_PKG}.strategies.random_search",
                                                           f"{_PKG}.strategies.evolution",
                                                           f"{_PKG}.strategies.local_search"))
PREDICTORS: Registry = Registry("predictors", "predictor", (f"{_PKG}.predictors.baselines",))
EVALUATORS: Registry = Registry("evaluators", "evaluator", (f"{_PKG}.engine.evaluators.tabular",))
EXECUTORS: Registry = Registry("executors", "executor", (f"{_PKG}.engine.executors.inprocess",))
BENCHMARK_TABLES: Registry = Registry("benchmark_tables", "benchmark table", (f"{_PKG}.engine.data.nb201",))

register_search_space = SEARCH_SPACES.register
register_strategy = STRATEGIES.register
register_predictor = PREDICTORS.register
register_evaluator = EVALUATORS.register
register_executor = EXECUTORS.register
register_benchmark_table = BENCHMARK_TABLES.register
