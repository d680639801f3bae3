"""A refused ``nasloop data import`` read every file it was given a second time, to know whether importing the table
there first would keep it (13 of 27 s for a 58 MB NASLib pickle); it merges the tables it has read instead. Where the
last file wins, that merge keeps nothing of the table there, and the command is no longer advised."""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.table import Table

from .test_import_loss_q import naslib_pickle

pytestmark = pytest.mark.usefixtures("isolated_cache")

_OPENED: list[str] = []
_WATCHING: list[bool] = []
_HOOK_ADDED: list[bool] = []  # once per session: an audit hook cannot be removed


def _record(event: str, args: tuple) -> None:
    if _WATCHING and event == "open" and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


@pytest.fixture
def opened():
    """The paths Python opens while the test watches (an audit hook, which cannot be removed: added once and
    idle outside the watch)."""
    if not _HOOK_ADDED:
        sys.addaudithook(_record)
        _HOOK_ADDED.append(True)
    _OPENED.clear()
    _WATCHING.append(True)
    yield _OPENED
    _WATCHING.clear()


def _opens_of(path: Path, opened: list[str], command: list[str]) -> tuple[int, int]:
    opened.clear()
    code = main(command)
    return code, sum(Path(p).resolve() == path.resolve() for p in opened)


def test_a_refused_import_reads_its_file_no_more_than_an_accepted_one(tmp_path, capsys, opened):
    other = naslib_pickle(tmp_path / "other.pickle", 3, 3)
    code, accepted = _opens_of(other, opened, ["data", "import", str(other), "--out", str(tmp_path / "empty")])
    assert code == 0 and accepted > 0
    out = tmp_path / "out"
    assert main(["data", "import", str(naslib_pickle(tmp_path / "first.pickle", 0, 3)), "--out", str(out)]) == 0
    capsys.readouterr()
    code, refused = _opens_of(other, opened, ["data", "import", str(other), "--out", str(out)])
    error = capsys.readouterr().err
    assert code == 2 and "lacking 3 of them" in error
    assert refused == accepted  # the second read is gone
    command = error.split("('")[1].split("'")[0].split()[1:]  # the advice still holds: it keeps both
    assert main(command) == 0 and Table.load(out / "nb201.npz").held() == 6


def test_a_transnas_refusal_advises_the_import_that_keeps_the_value(tmp_path, capsys, data_dir):
    """TransNAS' import merges by value (tests/test_tnb101_merge_k6.py): 'import the table first' is advised again,
    and following it keeps the value the refusal named, where the last file given once replaced the table whole."""
    micro = json.loads(gzip.decompress((data_dir / "transnas101_val.json.gz").read_bytes()))["micro"]
    archs = list(next(iter(micro.values())))[:20]
    micro = {task: {a: entries[a] for a in archs if a in entries} for task, entries in micro.items()}
    files = [tmp_path / "first.json.gz", tmp_path / "cut.json.gz"]
    files[0].write_bytes(gzip.compress(json.dumps({"micro": micro}).encode()))
    del micro[next(iter(micro))][archs[0]]  # the second file lacks one task's record of one architecture
    files[1].write_bytes(gzip.compress(json.dumps({"micro": micro}).encode()))
    out = tmp_path / "out"
    command = ["data", "import", "--space", "tnb101-micro", "--out", str(out)]
    assert main([*command, str(files[0])]) == 0
    capsys.readouterr()
    assert main([*command, str(files[1])]) == 2
    error = capsys.readouterr().err
    assert "1 of its 20 values" in error and "importing it first" in error
    advised = error.split("('")[1].split("'")[0].split()[1:]
    assert main(advised) == 0 and Table.load(out / "tnb101-micro.npz").held() == 20
