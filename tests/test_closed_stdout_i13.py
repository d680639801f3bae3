"""A command started with its standard output closed (``nasloop show RUN >&-``) says so in one line on stderr and
exits non-zero: Python gives such a process ``sys.stdout = None``, to which ``print`` writes nothing, and ``show``
exited 0 having shown nothing."""
from __future__ import annotations

import subprocess
import sys

import pytest


def _closed_stdout(args: list[str], cwd) -> subprocess.CompletedProcess:
    """``nasloop ARGS >&-``, as a shell starts it."""
    return subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "nasloop.engine.cli", *args],
                          cwd=cwd, stderr=subprocess.PIPE, text=True, timeout=120)


@pytest.mark.parametrize("flags", [[], ["--json"]], ids=["table", "json"])
def test_show_with_its_output_closed_says_so(flags, tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--budget", "3", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"]).returncode == 0
    shown = _closed_stdout(["show", str(run), *flags], tmp_path)
    assert shown.returncode == 2, shown.stderr
    assert shown.stderr == "nasloop show: error: standard output is closed (as '>&-' closes it), so what it prints " \
                           "went nowhere: send its output to a file or to /dev/null ('> FILE'); run it again\n"


def test_a_search_with_its_output_closed_keeps_its_run_and_says_where(tmp_path, data_dir):
    searched = _closed_stdout(["search", "--budget", "3", "--strategy", "random", "--data-dir", str(data_dir),
                               "--run-dir", "run", "--quiet"], tmp_path)
    assert searched.returncode == 2 and searched.stderr.count("\n") == 1, searched.stderr
    assert searched.stderr.endswith("; the run is kept: 'nasloop show run' prints it\n"), searched.stderr
    assert "finished" in subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "show", "run", "--json"],
                                        cwd=tmp_path, capture_output=True, text=True, timeout=120).stdout
