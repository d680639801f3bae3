"""``benchmarks/fuzz_cli.py`` without the NB201 table refuses in the one line ``nasloop`` prints, run in-process as
a script (its argv and $NASLOOP_DATA the user's).

It exited 1 (a crash's status) with 'could not make the template run: nasloop search: error: ...', the CLI's line
wrapped in words about a template the user never made.
"""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_fuzz_cli_without_the_table_says_which_file_is_missing_and_how_to_get_it(tmp_path, monkeypatch, capsys):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("NASLOOP_DATA", str(tmp_path / "empty"))  # its default --data-dir
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # as a script finds its sibling modules; taken off after
    monkeypatch.setattr(sys, "argv", ["fuzz_cli.py", "--seeds", "1"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / "benchmarks" / "fuzz_cli.py"), run_name="__main__")
    said = capsys.readouterr()
    assert done.value.code == 2 and said.out == "", (done.value.code, said.out)
    line = said.err.strip()
    assert line.startswith("fuzz_cli.py: error: nasbench201_all.csv.gz or nb201.npz not found (looked in "
                           f"{tmp_path / 'empty'}") and "\n" not in line, line
    assert "'nasloop data import --space nb201 FILE'" in line and "template" not in line, line
