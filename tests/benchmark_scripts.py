"""The scripts of benchmarks/ loaded as modules, for tests of their own functions (figure names, tables)."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

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
