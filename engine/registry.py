"""Name → class registries for every plugin kind.

Our own plugins register with decorators when their module is imported. Each registry knows which
module holds each built-in name and imports it on first lookup, so a tabular search never pays for
torch, botorch or Ray. Installed plugin packages register through setuptools entry points (group
``nasloop.<kind>``), loaded the first time an unknown name is looked up, so a user's class drops in
without editing nasloop.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Callable, Generic, Iterator, Mapping, TypeVar

from .errors import RegistryError

T = TypeVar("T")


class Registry(Generic[T]):
    """A named collection of plugins of one kind."""

    def __init__(self, group: str, kind: str, builtins: Mapping[str, str] | None = None) -> None:
        self.kind = kind  # for messages: "unknown strategy 'x'"
        self.entry_point_group = f"nasloop.{group}"
        self._builtins = dict(builtins or {})  # name → module that registers it, imported on first use
        self._items: dict[str, T] = {}
        self._entry_points_loaded = False

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

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        for ep in entry_points(group=self.entry_point_group):
            if ep.name not in self._items and ep.name not in self._builtins:
                try:
                    self._items[ep.name] = ep.load()
                except Exception as exc:  # a broken third-party plugin must not break the others
                    raise RegistryError(f"{self.kind} plugin '{ep.name}' ({ep.value}) failed to load: {exc}; "
                                        "fix or uninstall that package") from exc

    def get(self, name: str) -> T:
        """The plugin called ``name``; only its own module is imported (a tabular search never loads torch)."""
        if name not in self._items and name in self._builtins:
            importlib.import_module(self._builtins[name])
        if name not in self._items:
            self._load_entry_points()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise RegistryError(f"unknown {self.kind} '{name}'; known: {known}") from None

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(set(self._items) | set(self._builtins))

    def __contains__(self, name: str) -> bool:
        return name in self._items or name in self._builtins or name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


_PKG = __name__.rsplit(".", 2)[0]  # "nasloop"

SEARCH_SPACES: Registry = Registry("search_spaces", "search space", {"nb201": f"{_PKG}.search_spaces.nb201"})
STRATEGIES: Registry = Registry("strategies", "strategy", {
    "random": f"{_PKG}.strategies.random_search", "evolution": f"{_PKG}.strategies.evolution",
    "local": f"{_PKG}.strategies.local_search", "bananas": f"{_PKG}.strategies.bananas",
    "predictor-topk": f"{_PKG}.strategies.predictor_topk"})
PREDICTORS: Registry = Registry("predictors", "predictor", {
    "random": f"{_PKG}.predictors.baselines", "zero-cost": f"{_PKG}.predictors.baselines",
    "flan": f"{_PKG}.predictors.flan", "emprox": f"{_PKG}.predictors.emprox", "gp": f"{_PKG}.predictors.gp",
    "mlp": f"{_PKG}.predictors.mlp"})
EVALUATORS: Registry = Registry("evaluators", "evaluator", {
    "tabular": f"{_PKG}.engine.evaluators.tabular", "train": f"{_PKG}.engine.evaluators.train",
    "proxy": f"{_PKG}.engine.evaluators.proxy"})
EXECUTORS: Registry = Registry("executors", "executor", {
    "inprocess": f"{_PKG}.engine.executors.inprocess", "ray": f"{_PKG}.engine.executors.ray_executor"})
BENCHMARK_TABLES: Registry = Registry("benchmark_tables", "benchmark table", {"nb201": f"{_PKG}.engine.data.nb201"})

register_search_space = SEARCH_SPACES.register
register_strategy = STRATEGIES.register
register_predictor = PREDICTORS.register
register_evaluator = EVALUATORS.register
register_executor = EXECUTORS.register
register_benchmark_table = BENCHMARK_TABLES.register
