"""The user cache's entries (engine/data/parsed_cache.py): two nasloops sharing one cache (other parsing code) each
replaced the other's entry on every run, so each parsed again every time; and an entry's path that is a folder made
every run parse again in silence. Entries of other code are now kept beside each other, and a path that is no
regular file is one note, once, naming it and its removal."""
from __future__ import annotations

import logging
import shlex

import numpy as np
import pytest

from nasloop.engine.data.parsed_cache import entry_file, kept_columns
from nasloop.search_spaces.nb201 import hardware, importers

pytestmark = pytest.mark.usefixtures("isolated_cache")


def made(count: list[int]):
    def make() -> dict[str, np.ndarray]:
        count.append(1)
        return {"rows": np.arange(6, dtype=np.float64)}
    return make


def whole(columns: dict[str, np.ndarray]) -> bool:
    return list(columns) == ["rows"] and columns["rows"].shape == (6,)


def test_two_nasloops_sharing_a_cache_keep_an_entry_each(tmp_path):
    place = str(tmp_path / "table.csv")
    ours, theirs = (entry_file("b15-test", place, "v1", [module.__file__]) for module in (importers, hardware))
    assert ours is not None and theirs is not None and ours != theirs
    count: list[int] = []
    for where in (ours, theirs, ours, theirs):  # one nasloop's run, then the other's, and so on
        kept_columns(where, made(count), whole)
    assert len(count) == 2 and ours.is_file() and theirs.is_file()
    newer = entry_file("b15-test", place, "v2", [importers.__file__])  # the file rewritten: its old entry goes
    kept_columns(newer, made(count), whole)
    assert newer.is_file() and not ours.exists() and theirs.is_file()


def test_an_entry_that_is_a_folder_is_said_once(tmp_path, caplog):
    where = entry_file("b15-test", str(tmp_path / "table.csv"), "v1", [importers.__file__])
    assert where is not None
    where.mkdir(parents=True)
    count: list[int] = []
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            columns = kept_columns(where, made(count), whole)
    assert whole(columns) and len(count) == 3 and where.is_dir()  # made each time, the folder left as it is
    said = [record.getMessage() for record in caplog.records if str(where) in record.getMessage()]
    assert len(said) == 1 and "is not a regular file" in said[0] and f"rm -r {shlex.quote(str(where))}" in said[0], said
    assert "\n" not in said[0]
