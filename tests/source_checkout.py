"""The checkout's own files, which the packaging tests copy to build from a tree as a commit of it would hold."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def source_files() -> list[str]:
    """The checkout's files as a commit of it would hold them: tracked, and new ones git does not ignore."""
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist): its file list is what is copied here")
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return sorted(name for name in set(listed) if (REPO_ROOT / name).is_file())
