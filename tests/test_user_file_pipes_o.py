"""A named pipe (or a device) given where nasloop reads a user's file is refused unopened.

Opening a named pipe for reading waits until something writes to it, so ``--config``, ``--methods-file`` and
``--archs-file`` given one hung without a word, as ``cat`` would. A pipe the process already holds (``/dev/stdin``
fed by ``|``, a shell's ``<(...)``) never waits and is read as before.
"""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Iterator

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig, read_config_file
from nasloop.engine.errors import ConfigError

from .messages import one_line


@contextlib.contextmanager
def _writer_comes_and_goes(fifo: Path) -> Iterator[None]:
    """Opens and closes ``fifo`` for writing whenever a reader waits on it: code that opens the pipe (the defect)
    then reads an empty file and the test fails on what it did next, instead of hanging the suite."""
    done = threading.Event()

    def write_nothing() -> None:
        while not done.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader yet
                done.wait(0.05)

    thread = threading.Thread(target=write_nothing, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "input.yaml"
    os.mkfifo(path)
    return path


def test_a_named_pipe_as_config_is_refused_unopened(tmp_path, data_dir, fifo, capsys):
    run = tmp_path / "run"
    with _writer_comes_and_goes(fifo):
        code = main(["search", "--config", str(fifo), "--strategy", "random", "--budget", "1", "--data-dir",
                     str(data_dir), "--run-dir", str(run), "--quiet"])
        with pytest.raises(ConfigError, match="is a named pipe, not a file: give a regular file"):
            SearchConfig.from_yaml(fifo)
    assert code == 2
    one_line(capsys.readouterr().err.strip(), f"config file {fifo} is a named pipe, not a file: give a regular file")
    assert not run.exists()


def test_a_named_pipe_as_methods_or_archs_file_is_refused_unopened(tmp_path, data_dir, fifo, capsys):
    study = tmp_path / "study"
    with _writer_comes_and_goes(fifo):
        assert main(["compare", "--methods-file", str(fifo), "--seeds", "1", "--budget", "2", "--data-dir",
                     str(data_dir), "--out", str(study), "--quiet"]) == 2
        one_line(capsys.readouterr().err.strip(), f"--methods-file {fifo} is a named pipe, not a file")
        assert main(["proxies", "--archs-file", str(fifo), "--data-dir", str(data_dir)]) == 2
        one_line(capsys.readouterr().err.strip(), f"--archs-file {fifo} is a named pipe, not a file")
    assert not study.exists()


def test_a_device_as_config_is_refused(capsys):
    """A terminal's ``/dev/stdin`` waited for typing, and ``/dev/zero`` was read up to the size limit."""
    assert main(["search", "--config", "/dev/zero", "--budget", "1"]) == 2
    one_line(capsys.readouterr().err.strip(), "config file /dev/zero is a device, not a file")


def test_dev_null_as_config_is_an_empty_config(tmp_path, data_dir, capsys):
    """``--config /dev/null``, the usual way to say "no settings", was refused as a device; it reads as an empty
    config file does."""
    assert read_config_file(os.devnull) == read_config_file(_empty(tmp_path)) == {}
    assert main(["search", "--config", os.devnull, "--budget", "1", "--data-dir", str(data_dir), "--run-dir",
                 str(tmp_path / "run"), "--quiet"]) == 0


def _empty(folder: Path) -> Path:
    path = folder / "empty.yaml"
    path.write_text("")
    return path


def test_a_pipe_the_process_holds_is_read_as_before():
    """``--config /dev/stdin`` after ``|``, or ``--config <(...)``: an unnamed pipe, open already, read whole."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"strategy: random\nbudget: 2\n")
        os.close(write_end)
        assert read_config_file(f"/dev/fd/{read_end}") == {"strategy": "random", "budget": 2}
    finally:
        os.close(read_end)
