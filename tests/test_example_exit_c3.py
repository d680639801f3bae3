"""examples/cifar10_nas.py refuses bad input as the nasloop command and the benchmark scripts do: one line on stderr
and exit status 2. ``SystemExit(text)`` exited 1, the status nasloop gives a run that failed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")  # CIFAR-10 is found only where a test puts it

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cifar10_nas.py"


@pytest.mark.parametrize("args, said", [
    (["--workers", "2"], "--workers is an option of --executor ray, not of 'inprocess'; add --executor ray"),
    # a NasloopError of the search: CIFAR-10 is not there
    (["--data-dir", "{empty}"], "or give --download to fetch it")])
def test_a_refusal_is_one_line_and_exit_status_2(tmp_path: Path, args: list[str], said: str):
    (tmp_path / "empty").mkdir()
    argv = [arg.format(empty=tmp_path / "empty") for arg in args]
    done = subprocess.run([sys.executable, str(EXAMPLE), *argv, "--run-dir", str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == "", (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("cifar10_nas.py: error: ") and done.stderr.count("\n") == 1, done.stderr
    assert said in done.stderr
    assert not (tmp_path / "run").exists()
