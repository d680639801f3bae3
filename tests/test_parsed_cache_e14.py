"""The parsed-table cache as hostile input: an entry copied over another's, a named pipe where an entry should be,
and the partial file of a process killed while writing one. Each was served, waited on, or left for good."""
from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest

from nasloop.engine.data.parsed_cache import FOLDER, cache_file
from nasloop.engine.data.paths import user_cache_dir
from nasloop.search_spaces.nb201 import cell, hardware
from nasloop.search_spaces.nb201.hardware import HW_FILE

HW_CODE = (hardware, cell)
COLUMN = "cifar10:edgegpu_latency"


def read_hardware(path) -> dict[str, np.ndarray]:
    """The hardware columns as a fresh process reads them: past this process's own memo."""
    return hardware.load_hardware.__wrapped__(str(path), path.stat().st_mtime)


@pytest.fixture
def two_files(tmp_path, data_dir, isolated_cache):
    """Two HW-NAS-Bench CSVs in two folders, the second's first latency changed, and an empty cache folder."""
    first, second = tmp_path / "first" / HW_FILE, tmp_path / "second" / HW_FILE
    for path in (first, second):
        path.parent.mkdir()
    shutil.copyfile(data_dir / HW_FILE, first)
    lines = gzip.decompress(first.read_bytes()).decode().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    row[header.index("edgegpu_latency_cifar10")] = "123.5"
    second.write_bytes(gzip.compress("\n".join([lines[0], ",".join(row), *lines[2:]]).encode(), compresslevel=1))
    return first, second


def test_an_entry_copied_over_another_files_is_not_served_as_that_files(two_files):
    first, second = two_files
    own = read_hardware(first)[COLUMN].copy()
    assert np.count_nonzero(read_hardware(second)[COLUMN] != own) == 1
    entry = cache_file(first, "nb201-hw", HW_CODE)
    shutil.copyfile(cache_file(second, "nb201-hw", HW_CODE), entry)  # a restore or sync of the cache by hand
    assert np.array_equal(read_hardware(first)[COLUMN], own)  # was the other file's, whole and valid


def test_a_named_pipe_where_an_entry_should_be_is_never_opened(two_files, tmp_path):
    first, _ = two_files
    parsed = read_hardware(first)
    entry = cache_file(first, "nb201-hw", HW_CODE)
    entry.unlink()
    os.mkfifo(entry)
    os.link(entry, tmp_path / "the pipe")  # the pipe itself, once the entry is written in its place
    thread = threading.Thread(target=lambda: (tmp_path / "the pipe").write_bytes(b"written once opened"), daemon=True)
    thread.start()  # waits in open until the pipe has a reader: with none, the read of the cache waited forever
    assert np.array_equal(read_hardware(first)[COLUMN], parsed[COLUMN])
    assert entry.is_file()  # written in the pipe's place
    reader = os.open(tmp_path / "the pipe", os.O_RDONLY | os.O_NONBLOCK)  # the writer's open returns now, if not yet
    thread.join()
    try:
        assert os.read(reader, 100) == b"written once opened"  # no reader had opened the pipe before
    finally:
        os.close(reader)


KILLED_IN_SAVE = """
import os, signal, sys
from pathlib import Path
import numpy as np
from nasloop.engine.data import parsed_cache
from nasloop.search_spaces.nb201 import hardware

real_savez = np.savez


def savez_then_killed(target, **columns):
    real_savez(target, **{name: columns[name] for name in list(columns)[:3]})  # part of the entry written
    target.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # a kill -9, the OOM killer: nothing of the process runs after it

parsed_cache.np.savez = savez_then_killed
path = Path(sys.argv[1])
hardware.load_hardware.__wrapped__(str(path), path.stat().st_mtime)
"""


def test_the_partial_entry_of_a_process_killed_while_writing_it_is_removed_by_the_next_write(two_files):
    first, _ = two_files
    done = subprocess.run([sys.executable, "-c", KILLED_IN_SAVE, str(first)], env=os.environ.copy())
    assert done.returncode == -9
    folder = user_cache_dir() / FOLDER
    assert os.listdir(folder)  # the killed process's partial file
    parsed = read_hardware(first)
    assert sorted(os.listdir(folder)) == [cache_file(first, "nb201-hw", HW_CODE).name]  # it stayed, 3.7 MB a kill
    assert np.array_equal(read_hardware(first)[COLUMN], parsed[COLUMN])
