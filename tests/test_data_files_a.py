"""A data-folder file that is there but is no regular file (a FIFO, a link to /dev/zero) is one line naming it and
the fix: the table was said to be "not found" beside it, and a stored-proxy file of that kind was skipped unsaid
(its proxies computed instead). Nothing waits on the FIFO: it is never opened."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

from nasloop.engine.cli import main

pytestmark = pytest.mark.usefixtures("isolated_cache")
TABLE, PROXIES = "nasbench201_all.csv.gz", "nb201_zc_proxies.csv.gz"


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return "a named pipe (FIFO)"


def _dev_zero(path: Path) -> str:
    path.symlink_to("/dev/zero")
    return "a link to /dev/zero, a character device"


def _refusal(command: str, path: Path, what: str) -> str:
    return (f"nasloop {command}: error: {path} is {what}, not a regular file nasloop can read; replace it with the "
            f"{path.name} file itself, or remove it\n")


@pytest.mark.parametrize("make", [_fifo, _dev_zero])
def test_a_table_that_is_no_regular_file_is_named_not_said_missing(tmp_path, capsys, make: Callable[[Path], str]):
    what = make(tmp_path / TABLE)
    assert main(["search", "--space", "nb201", "--budget", "2", "--data-dir", str(tmp_path), "--run-dir",
                 str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err == _refusal("search", tmp_path / TABLE, what)


@pytest.mark.parametrize("make", [_fifo, _dev_zero])
def test_a_stored_proxy_file_that_is_no_regular_file_is_refused_not_skipped(tmp_path, data_dir, capsys,
                                                                            make: Callable[[Path], str]):
    """The zero-cost predictor reads zen from nb201_zc_proxies.csv.gz: with a FIFO there it computed zen on every
    cell's network, saying only that it would."""
    (tmp_path / TABLE).symlink_to(data_dir / TABLE)
    what = make(tmp_path / PROXIES)
    assert main(["predictors", "evaluate", "--space", "nb201", "--predictor", "zero-cost", "--train-sizes", "8",
                 "--seeds", "1", "--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == _refusal("predictors evaluate", tmp_path / PROXIES, what)


def test_a_proxy_file_of_nasloop_proxies_that_is_a_fifo_is_refused(tmp_path, data_dir, capsys):
    """``<space>-<dataset>-proxies.csv`` in a data folder, read by a forest on proxies: a FIFO was skipped as if
    absent."""
    (tmp_path / TABLE).symlink_to(data_dir / TABLE)
    (tmp_path / PROXIES).symlink_to(data_dir / PROXIES)
    path = tmp_path / "nb201-cifar10-proxies.csv"
    what = _fifo(path)
    assert main(["search", "--space", "nb201", "--strategy", "predictor-topk", "--predictor", "forest", "--budget", "2",
                 "--data-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err == _refusal("search", path, what)
