"""Where the environment says to write no bytecode beside the sources, a pytest process keeps its collection's (the
test modules' rewritten asserts, nasloop's modules) in the tests' bytecode folder: each of the two workers compiled
them all again at every run (about 7 s of CPU each), and compiles afresh once collected, as it started."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import bytecode_cache

TESTS = Path(__file__).resolve().parent


def _beside_sources() -> dict[str, int]:
    folder = TESTS / "__pycache__"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.is_dir() else {}


def test_a_collection_keeps_its_bytecode_in_the_folder_not_beside_the_sources(tmp_path):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(tmp_path / "pyc"))
    before = _beside_sources()
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n0",
                          str(Path(__file__).resolve())], cwd=TESTS.parent, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    kept = sorted(p.name for p in (tmp_path / "pyc").rglob("*.pyc"))
    assert f"{Path(__file__).stem}.{sys.implementation.cache_tag}-pytest-" in " ".join(kept)  # asserts rewritten
    assert f"registry.{sys.implementation.cache_tag}.pyc" in kept  # nasloop's, which the conftest imports
    assert _beside_sources() == before


def test_a_test_compiles_what_it_imports_afresh_as_its_process_started():
    started_without, started_prefix = bytecode_cache._AS_STARTED
    assert (sys.dont_write_bytecode, sys.pycache_prefix) == (started_without, started_prefix)
