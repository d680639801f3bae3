"""nasloop as users install it, not as the editable install of README's quick start: an sdist, the wheel pip builds
from it, and ``python -m nasloop``.

The checkout's files are copied, the copy's version changed, and both distributions built from the copy with
setuptools' own backend (no network, no build isolation, no venv; about 1 s of CPU, the command's start-up 1-2 s
more), so nothing is written into the checkout and a version that is read from two places shows.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .source_checkout import REPO_ROOT, source_files

VERSION = "9.8.7"
"""The copy's version: one the checkout never has, so each place that reports it must have read it from the code."""
NOT_SHIPPED = {".gitignore"}
"""Tracked files an sdist has no use for."""
BUILD = "import sys\nfrom setuptools import build_meta\nprint(getattr(build_meta, sys.argv[1])(sys.argv[2]))"


def _build(hook: str, source: Path, out: Path) -> Path:
    """Run setuptools' ``hook`` (build_sdist, build_wheel) in ``source``, writing into ``out``."""
    done = subprocess.run([sys.executable, "-c", BUILD, hook, str(out)], cwd=source, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return out / done.stdout.strip().splitlines()[-1]


def _package_modules(files: list[str]) -> set[str]:
    """The ``.py`` files of the package's folders (each folder up from it holding ``__init__.py``, tests and the
    build script aside), as the wheel names them."""
    def in_package(name: str) -> bool:
        parents = Path(name).parents
        return name.endswith(".py") and not name.startswith("tests/") and name != "setup.py" and \
            all(str(folder) == "." or (REPO_ROOT / folder / "__init__.py").is_file() for folder in parents)
    return {f"nasloop/{name}" for name in files if in_package(name)}


def _unpack(sdist: Path, into: Path) -> None:
    """The sdist's files and folders under ``into``, member by member: each a plain file or folder whose path stays
    inside ``into`` (no link, device, absolute path or '..'), as ``extractall(filter="data")`` checks, which Python
    before 3.10.12 and 3.11.4 lacks (a TypeError there) while setup.cfg allows 3.10."""
    into.mkdir()
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            target = (into / member.name).resolve()
            assert target.is_relative_to(into.resolve()) and (member.isfile() or member.isdir()), member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path, Path, Path]:
    """(the checkout's files, the copy, its sdist, the wheel built from the unpacked sdist, as pip builds one)."""
    files = source_files()
    root = tmp_path_factory.mktemp("packaging")
    source = root / "copy" / "nasloop"  # a folder named as the package, for PYTHONPATH to import
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, source / name)
    init = source / "__init__.py"
    text, count = re.subn(r'^__version__ = "[^"]*"', f'__version__ = "{VERSION}"', init.read_text(), flags=re.M)
    assert count == 1, "nasloop/__init__.py sets __version__ in one line"
    init.write_text(text)
    (root / "out").mkdir()
    sdist = _build("build_sdist", source, root / "out")
    _unpack(sdist, root / "unpacked")
    unpacked, = (root / "unpacked").iterdir()  # nasloop-VERSION, with the version setup.cfg gave the sdist
    wheel = _build("build_wheel", unpacked, root / "out")
    return files, source, sdist, wheel


def test_the_sdist_is_the_whole_source_its_tests_read(built):
    files, _, sdist, _ = built
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = sorted(set(files) - NOT_SHIPPED - names)
    assert not missing, f"the sdist lacks {missing[:10]} ({len(missing)} files)"
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_holds_the_package_its_license_and_nothing_else(built):
    files, _, _, wheel = built
    assert wheel.name == f"nasloop-{VERSION}-py3-none-any.whl"
    info = f"nasloop-{VERSION}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    package = {name for name in names if not name.startswith(info + "/")}
    expected = _package_modules(files) | {"nasloop/py.typed"}
    assert {"nasloop/__main__.py", "nasloop/engine/cli_entry.py"} <= expected
    assert sorted(expected - package) == [] and sorted(package - expected) == []  # no tests, examples, benchmarks
    assert f"\nVersion: {VERSION}\n" in metadata and "\nLicense: Apache-2.0\n" in metadata
    assert any(name.startswith(f"{info}/") and name.endswith("/LICENSE") for name in names), sorted(names)[-8:]
    assert "nasloop = nasloop.engine.cli_entry:main" in entry_points


def test_python_m_nasloop_is_the_command_and_reports_the_code_s_own_version(built, tmp_path):
    _, source, _, _ = built
    env = {**os.environ, "PYTHONPATH": str(source.parent)}  # the copy, not the checkout or an installed nasloop
    done = subprocess.run([sys.executable, "-m", "nasloop", "--version"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, f"nasloop {VERSION}"), done.stderr[-2000:]
    done = subprocess.run([sys.executable, "-m", "nasloop", "serach"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "search" in done.stderr, done.stderr
