"""The parsed cache keeps a file's columns under the file itself, not under the name it was read by.

A data folder of links (a test's, a project's beside the shared one) and a relative ``--data-dir`` given from
another folder each named the same file by another path: each was parsed again (NB101's JSON 1.9 s, NB201's
hardware CSV 0.7 s) and kept as one more entry, growing the cache by a copy of the same columns every time.
"""
from __future__ import annotations

import os

import numpy as np

from nasloop.engine.data.parsed_cache import FOLDER
from nasloop.engine.data.paths import file_version, user_cache_dir
from nasloop.search_spaces.nb201.hardware import load_hardware

HW = "nb201_hw_metrics.csv.gz"


def test_a_file_read_through_links_and_a_relative_name_is_kept_once(tmp_path, data_dir, isolated_cache,
                                                                     monkeypatch):
    names = []
    for folder in ("project", "other"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / HW).symlink_to(data_dir / HW)
        names.append(str(tmp_path / folder / HW))
    monkeypatch.chdir(tmp_path / "other")
    names.append(os.path.join("..", "project", HW))  # the same link again, named from another folder
    read = [load_hardware(name, file_version(name)) for name in [str(data_dir / HW), *names]]
    assert all(set(columns) == set(read[0]) for columns in read)
    assert all(np.array_equal(columns[k], read[0][k], equal_nan=True) for columns in read for k in columns)
    kept = sorted(os.listdir(user_cache_dir() / FOLDER))
    assert len(kept) == 1 and kept[0].startswith("nb201-hw-"), kept
