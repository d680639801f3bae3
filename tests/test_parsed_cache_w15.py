"""The user cache keeps another nasloop's entry of a file beside this one's (engine/data/parsed_cache.py), but one of
a nasloop no longer run was then kept for good: each upgrade (or each edit of the parsing code) left every table it
had parsed in the cache, 1.3 GB on a machine that ran a few versions. An entry of other code unread for
``UNUSED_DAYS`` is now removed by the next write of the same file's entry; one still read stays."""
from __future__ import annotations

import os
import time

import numpy as np
import pytest

from nasloop.engine.data.parsed_cache import entry_file, kept_columns
from nasloop.search_spaces.nb201 import hardware, importers

pytestmark = pytest.mark.usefixtures("isolated_cache")


UNUSED = 400  # days: past parsed_cache.UNUSED_DAYS


def make() -> dict[str, np.ndarray]:
    return {"rows": np.arange(6, dtype=np.float64)}


def whole(columns: dict[str, np.ndarray]) -> bool:
    return list(columns) == ["rows"] and columns["rows"].shape == (6,)


def aged(path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_an_entry_of_code_no_longer_run_is_removed_and_one_still_read_stays(tmp_path):
    place = str(tmp_path / "table.csv")
    old, kept, ours = (entry_file("w15-test", place, "v1", [module.__file__])
                       for module in (hardware, np, importers))
    for where in (old, kept):
        kept_columns(where, make, whole)
    aged(old, UNUSED)
    aged(kept, UNUSED)
    kept_columns(kept, make, whole)  # still run: its read marks it used
    kept_columns(ours, make, whole)
    assert ours.is_file() and kept.is_file()
    assert not old.exists()  # was kept for good: a nasloop no longer run left its entries


def test_an_entry_named_before_code_had_a_part_of_its_own_goes_once_unused(tmp_path):
    ours = entry_file("w15-test", str(tmp_path / "table.csv"), "v1", [importers.__file__])
    kind_and_place = ours.stem.split("-")[:-2]
    old = ours.with_name("-".join([*kind_and_place, "0123456789abcdef"]) + ".npz")  # an older nasloop's name
    old.parent.mkdir(parents=True, exist_ok=True)
    np.savez(old, rows=np.arange(6, dtype=np.float64))
    aged(old, UNUSED)
    kept_columns(ours, make, whole)
    assert ours.is_file() and not old.exists()
