"""A data file or folder without read permission is said to be one (engine/data/paths.py's readable_mode), where each
reader named what its own open raised: the wrong format, corrupt or truncated, a file to get again, not found.

Root reads whatever the permissions say, so the commands run in a process without the capabilities that let it
(setpriv), where a file's open raises PermissionError as it does for any other user."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
COMMANDS = """
import sys
from nasloop.engine.cli import main
for args in ({commands}):
    print("status", main(list(args)), file=sys.stderr)
"""


def _as_a_user(commands: list[list[str]], cwd: Path) -> list[str]:
    """The stderr lines of ``nasloop`` run with each of ``commands`` in one process whose reads obey permissions."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "the tests run as root need setpriv (util-linux) to read as another user does"
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    env = {**os.environ, "PYTHONPATH": PACKAGE_PARENT, "XDG_CACHE_HOME": str(cwd / "cache")}
    env.pop("NASLOOP_DATA", None)
    script = COMMANDS.format(commands=", ".join(repr(tuple(c)) for c in commands) + ",")
    done = subprocess.run([*prefix, sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    return done.stderr.strip().splitlines()


@pytest.fixture
def locked(tmp_path: Path) -> tuple[Path, Path]:
    """A folder holding an NB201 table file no one may read, and a folder no one may look into."""
    no_file, no_folder = tmp_path / "nofile", tmp_path / "nofolder"
    for folder in (no_file, no_folder):
        folder.mkdir()
        (folder / "nasbench201_all.csv.gz").write_bytes(b"\x1f\x8b not read")
    (no_file / "nasbench201_all.csv.gz").chmod(0)
    no_folder.chmod(0)
    yield no_file, no_folder
    no_folder.chmod(0o755)


def test_an_unreadable_data_file_or_folder_is_said_to_be_one(tmp_path, locked):
    no_file, no_folder = locked
    table = no_file / "nasbench201_all.csv.gz"
    search = ["search", "--space", "nb201", "--budget", "2", "--run-dir", str(tmp_path / "run"), "--data-dir"]
    lines = _as_a_user([[*search, str(no_file)], ["data", "import", "--space", "nb201", str(table), "--out",
                                                  str(tmp_path / "out")],
                        [*search, str(no_folder)],
                        ["data", "import", "--space", "nb201", str(no_folder / table.name), "--out",
                         str(tmp_path / "out")]], tmp_path)
    file_line = (f"{table} cannot be read: permission denied; give your user read permission on it (chmod u+r "
                 f"{table}, where it is yours)")
    folder_line = (f"the folder {no_folder} cannot be read: permission denied, so {{name}} in it cannot be looked "
                   f"at; give your user read and search permission on it (chmod u+rx {no_folder}, where it is yours)")
    assert lines == [f"nasloop search: error: {file_line}", "status 2",
                     f"nasloop data import: error: {file_line}", "status 2",
                     f"nasloop search: error: {folder_line.format(name='nb201.npz')}", "status 2",
                     f"nasloop data import: error: {folder_line.format(name=table.name)}", "status 2"], lines
    assert not (tmp_path / "run").exists() and not (tmp_path / "out").exists()
