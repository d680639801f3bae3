"""Shared fixtures: where the real benchmark data lives.

The data folder is ``$NASLOOP_DATA`` if set, else ``<repo root>/../shared/data``. It is read-only
for the tests: nothing may be written into it (write tables under ``tmp_path`` instead).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NB201_CSV = "nasbench201_all.csv.gz"


def _data_dir() -> Path:
    env = os.environ.get("NASLOOP_DATA")
    return Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real benchmark data folder; a missing folder is a test failure, never a skip."""
    path = _data_dir()
    if not path.is_dir():
        pytest.fail(f"benchmark data folder {path} does not exist: set NASLOOP_DATA to the folder holding "
                    f"{NB201_CSV} (and the other benchmark files), or place it at <repo root>/../shared/data",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def nb201_csv_path(data_dir: Path) -> Path:
    """The compact NB201 CSV (all 15,625 cells)."""
    path = data_dir / NB201_CSV
    if not path.is_file():
        pytest.fail(f"{path} is missing from the data folder {data_dir}", pytrace=False)
    return path
