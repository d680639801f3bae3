"""The project's style limits, checked on every Python file of the package, its tests and scripts: lines of at most
120 characters and files of at most 400 lines. A merge (A14's table identity beside E14's file versions) left a
docstring line of 134 characters in engine/run_held_out.py, which nothing caught.
"""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".git", ".venv", "build", "shared"}


def _python_files() -> list[Path]:
    return sorted(path for path in REPO_ROOT.rglob("*.py")
                  if not SKIPPED & set(path.relative_to(REPO_ROOT).parts[:-1]))


def test_no_line_is_longer_than_120_characters():
    long = [f"{path.relative_to(REPO_ROOT)}:{number}" for path in _python_files()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if len(line) > 120]
    assert not long, long


def test_no_file_is_longer_than_400_lines():
    big = [str(path.relative_to(REPO_ROOT)) for path in _python_files()
           if len(path.read_text(encoding="utf-8").splitlines()) > 400]
    assert not big, big
