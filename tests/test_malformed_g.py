"""Malformed inputs found by the newer kinds of ``tests/malformed_inputs_more.py``, each refused in one line.

Outputs that are pipes (or devices): ``predictors pretrain --out`` and ``export`` write beside the name and rename
onto it, which replaced a FIFO with a regular file (run as root, ``--out /dev/null`` replaced the machine's
/dev/null); ``proxies --out`` opened a FIFO to append and waited for a reader forever. A methods file's
``name: [a, b]`` named a method "['a', 'b']"."""
from __future__ import annotations

import gzip
import json
import os
import signal
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from malformed_inputs_more import NB101_RECORD  # noqa: E402

from nasloop.engine.cli import main  # noqa: E402


class _Hang(Exception):
    pass


def _refused_by_parser(argv: list[str], capsys) -> str:
    """The stderr of ``nasloop ARGV``, which must stop at argparse; a wait of 20 s (a FIFO opened) fails."""
    def hang(*_):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(20)
    try:
        with pytest.raises(SystemExit) as exc:
            main(argv)
    except _Hang:
        pytest.fail(f"nasloop {' '.join(argv)} waited on the FIFO")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert exc.value.code == 2
    return capsys.readouterr().err


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "out.csv"
    os.mkfifo(path)
    return path


def test_pretrain_to_a_fifo_is_refused_and_leaves_it(fifo: Path, data_dir: Path, capsys) -> None:
    err = _refused_by_parser(["predictors", "pretrain", "--space", "nb201", "--train-size", "8", "--data-dir",
                              str(data_dir), "--out", str(fifo)], capsys)
    assert f"argument --out: {fifo} is a pipe, device or socket, not a file; give a file name" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_export_to_a_fifo_is_refused(fifo: Path, tmp_path: Path, capsys) -> None:
    err = _refused_by_parser(["export", str(tmp_path / "run"), str(fifo)], capsys)
    assert f"argument output: {fifo} is a pipe, device or socket, not a file" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_proxies_out_to_a_fifo_is_refused_at_once(fifo: Path, data_dir: Path, capsys) -> None:
    err = _refused_by_parser(["proxies", "--all", "--data-dir", str(data_dir), "--out", str(fifo)], capsys)
    assert f"argument --out: {fifo} is a pipe, device or socket, not a file" in err


@pytest.mark.parametrize("name", ["[a, b]", "{a: 1}", "true"])
def test_a_method_name_that_is_no_text_is_refused(name: str, tmp_path: Path, data_dir: Path, capsys) -> None:
    methods = tmp_path / "m.yaml"
    methods.write_text(f"- {{name: {name}, strategy: random}}\n")
    code = main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "3", "--data-dir",
                 str(data_dir), "--out", str(tmp_path / "study")])
    assert code == 2
    assert "m.yaml: method 1's name must be text, got " in capsys.readouterr().err
    assert not (tmp_path / "study").exists()


@pytest.mark.parametrize("params", [-3, 1e300, 8555530.5])
def test_an_nb101_record_whose_params_are_no_count_is_refused(params: float, tmp_path: Path, capsys) -> None:
    """-3 was imported as a parameter count; 1e300 ended in 'unexpected OverflowError'."""
    source = tmp_path / "nb101.json"
    source.write_text(json.dumps([{**NB101_RECORD, "params": params}]))
    assert main(["data", "import", "--space", "nb101", "--out", str(tmp_path / "out"), str(source)]) == 2
    assert f"record 0 is not an NB101 cell record (its params {params!r} is no parameter count" in \
        capsys.readouterr().err


@pytest.mark.parametrize("index", ["-7", "15625", str(2**40)])
def test_an_nb201_row_whose_index_is_no_official_one_is_refused(index: str, nb201_csv_path: Path, tmp_path: Path,
                                                                capsys) -> None:
    """-7 read 'covers 15624 of 15625 NB201 cells; the file is truncated', 2**40 'unexpected OverflowError', and
    an index past the last was imported as the cell's official index."""
    with gzip.open(nb201_csv_path, "rt") as fh:
        header, first = fh.readline(), fh.readline()
    source = tmp_path / "nb201.csv"
    source.write_text(header + index + first[first.index(","):])
    assert main(["data", "import", "--space", "nb201", "--out", str(tmp_path / "out"), str(source)]) == 2
    assert f"nb201.csv line 2: index {index} is outside the official 0..15624; the file is corrupt" in \
        capsys.readouterr().err
