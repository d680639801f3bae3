"""The scripts of benchmarks/ loaded as modules, for tests of their own functions (figure names, tables)."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from nasloop.engine.data.parsed_cache import FOLDER
from nasloop.engine.data.paths import user_cache_dir

ROOT = Path(__file__).resolve().parents[1]


def load_benchmark_script(name: str, patch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/<name>.py as a module. benchmarks/ is no package and its scripts import their sibling modules, so
    the folder goes on sys.path through ``patch``, which takes it off again when the caller's fixture ends."""
    patch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(f"{name}_script", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parsed_tables_only(home: Path) -> Path:
    """``home`` as the cache folder ($XDG_CACHE_HOME) of a benchmark script a test runs: it holds no data file, so
    the script finds the test's data folder's alone, but its ``nasloop/parsed`` is the tests' own cache's, where
    NB201's parsed columns and its cells' graph features are kept (:mod:`nasloop.engine.data.parsed_cache`). In a
    cache of its own (none at all), a script ranking NB201 with a forest computed that table (2 s of CPU) again."""
    kept = user_cache_dir() / FOLDER
    try:
        kept.mkdir(parents=True, exist_ok=True)
        (home / "nasloop").mkdir(exist_ok=True)
        (home / "nasloop" / FOLDER).symlink_to(kept, target_is_directory=True)
    except OSError:  # no cache of the tests' own to share (a read-only home): the script parses for itself
        pass
    return home
