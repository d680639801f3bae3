"""Forgetting what a test brought into the registries, so that a later command or test meets them as a fresh
process would: the conftest's fixtures use it after a test, after a plugin file's command and after a script."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from nasloop.engine import registry
from nasloop.engine.proxy_registry import PROXIES

PLUGIN_KINDS = (registry.SEARCH_SPACES, registry.STRATEGIES, registry.PREDICTORS, registry.EVALUATORS,
                registry.EXECUTORS, registry.BENCHMARKS, PROXIES)
"""Every registry a user's plugin joins: a proxy a script or plugin file registers is dropped as a space is."""


def a_test_module(name: object) -> bool:
    """Whether the module ``name`` is a test file (``tests/test_*.py``), whatever package path it was given."""
    return str(name).rpartition(".")[2].startswith("test_")


def forget_plugins_under(folder: Path) -> None:
    """Drop what plugin files under ``folder`` brought into this process: what they registered, the loader's record
    of them (the plugins an unknown name's message says were loaded), the import path they joined and the modules
    they imported (a helper module beside a plugin). Afterwards a command loads them as a fresh process would."""
    from nasloop.engine import plugins

    top = os.path.realpath(folder)

    def written_here(path: str | None) -> bool:
        """Whether ``path`` is ``folder`` or lies within it."""
        if path is None or not os.path.isabs(path):
            return False
        real = os.path.realpath(path)
        return real == top or real.startswith(top + os.sep)

    def module_here(module_name: object) -> bool:
        return written_here(getattr(sys.modules.get(str(module_name)), "__file__", None))

    unregister(lambda obj, by: module_here(getattr(obj, "__module__", "")) or module_here(by))  # type()'s: in 'abc'
    registry.Registry.loaded_plugins[:] = [key for key in registry.Registry.loaded_plugins if not written_here(key)]
    for record in (plugins._LOADED, plugins._DIGESTS):
        for key in [key for key in record if written_here(key)]:
            del record[key]
    plugins._FOLDERS[:] = [path for path in plugins._FOLDERS if not written_here(path)]
    sys.path[:] = [path for path in sys.path if not written_here(path)]
    for name in [name for name in sys.modules if module_here(name)]:
        del sys.modules[name]
    for module in plugins._LOADED.values():  # a plugin of the same file name loaded before, kept by its test: its
        sys.modules.setdefault(module.__name__, module)  # name gone, Ray could no longer ship it (as the loader keeps)


def a_builtin(kind: registry.Registry, name: str, item: object) -> bool:
    """Whether ``item`` is registered as ``name`` by nasloop's own module for that name (a built-in), whatever else
    registered it too: a plugin's alias of a built-in (``register_strategy('evo')(RegularizedEvolution)``) made the
    object the plugin's, and forgetting the plugin dropped 'evolution' for every later test of the process (its
    module is imported once, so nothing registered it again: "unknown strategy 'evolution'")."""
    builtin = kind._builtins.get(name)
    return builtin is not None and any(obj is item and by == builtin for obj, by in registry.Registry.taken)


def unregister(dropped: Callable[[object, str], bool]) -> None:
    """Drop from every registry, and from ``Registry.taken``, each object ``dropped(obj, module that registered
    it)`` picks; a built-in under its own name stays (:func:`a_builtin`)."""
    by = {id(obj): module for obj, module in registry.Registry.taken}
    for kind in PLUGIN_KINDS:
        for name, item in list(kind._items.items()):
            if dropped(item, by.get(id(item), "")) and not a_builtin(kind, name, item):
                del kind._items[name]
                kind._origins.pop(name, None)
    registry.Registry.taken[:] = [(obj, module) for obj, module in registry.Registry.taken if not dropped(obj, module)]


def forget_registered_by(module: str) -> None:
    """Drop what the code of ``module`` registered (a script run as ``__main__`` in this process: the example
    plugin's space, a reference script's predictor), which a fresh process running the script would not keep."""
    unregister(lambda obj, by: by == module or getattr(obj, "__module__", None) == module)
