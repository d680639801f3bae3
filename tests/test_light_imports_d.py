"""A plugin author who imports only nasloop's small shared modules must not pay for the search engine.

``nasloop/__init__.py`` runs before any submodule; it used to import ``engine.search`` eagerly, so
``import nasloop.engine.errors`` loaded about fifty nasloop modules (the loop, store, config, numpy).
The package's names now load on first use, and ``from nasloop import X`` still works for each of them.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

import nasloop

ENGINE = ("nasloop.engine.search", "nasloop.engine.loop", "nasloop.engine.store", "nasloop.engine.config")


def _loaded_after(statement: str) -> set[str]:
    """The nasloop modules a fresh interpreter holds after running ``statement``."""
    code = f"import sys\n{statement}\nprint('\\n'.join(m for m in sys.modules if m.startswith('nasloop')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(proc.stdout.split())


@pytest.mark.parametrize("module", ["nasloop.engine.errors", "nasloop.search_spaces.base"])
def test_plugin_interfaces_do_not_load_the_engine(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert not loaded & set(ENGINE), sorted(loaded & set(ENGINE))


def test_errors_alone_loads_only_itself() -> None:
    assert _loaded_after("import nasloop.engine.errors") == {"nasloop", "nasloop.engine", "nasloop.engine.errors"}


def test_every_exported_name_still_imports_from_the_root() -> None:
    from nasloop.engine.config import SearchConfig
    from nasloop.engine.errors import NasloopError, PluginFault
    from nasloop.engine.search import resume, search, summarize

    expected = {"SearchConfig": SearchConfig, "NasloopError": NasloopError, "PluginFault": PluginFault,
                "search": search, "resume": resume, "summarize": summarize}
    assert sorted(nasloop.__all__) == sorted(expected)
    for name, value in expected.items():
        assert getattr(nasloop, name) is value
        assert name in dir(nasloop)
    namespace: dict[str, object] = {}
    exec("from nasloop import *", namespace)
    assert {name: namespace[name] for name in expected} == expected


def test_unknown_root_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'nasloop' has no attribute 'nope'"):
        nasloop.nope  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'nope' from 'nasloop'"):
        exec("from nasloop import nope", {})
