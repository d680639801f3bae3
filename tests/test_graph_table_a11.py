"""The graph features of a whole enumerable space are kept in the user cache folder for the next process: a forest
ranking NB201 computed its 15,625 cells' graph features again in every search, study, Ray worker and test process
(3.1-3.6 s). The key is what the rows depend on (the space's class and options, the features, the architectures
it enumerates, the code computing them); a damaged entry is computed again and rewritten, never trusted; a cache
folder that cannot be written only costs the computation; a few architectures are computed without a table."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.data.parsed_cache import KEY
from nasloop.engine.data.paths import user_cache_dir
from nasloop.predictors import graph_features
from nasloop.predictors.graph_features import GraphFeatures
from nasloop.search_spaces.cell_space import CellSpec
from nasloop.search_spaces.tnb101.codes import MICRO_EDGES, MICRO_OPS
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

from .encode_counts import counted_encodes


class TwoOpCells(TNB101MicroSpace):
    """TransNAS-Bench-101's micro cells with two of its four ops: 64 cells, a whole table in milliseconds."""

    spec = CellSpec(MICRO_OPS[:2], MICRO_EDGES, none=0, skip=1, skip_from_input_is_identity=False)


@pytest.fixture
def encoded(monkeypatch, isolated_cache) -> list[int]:
    """How many architectures the space encodes, call by call (its real encoding, counted), in an empty cache."""
    return counted_encodes(monkeypatch, TwoOpCells)


def kept() -> list[Path]:
    return sorted((user_cache_dir() / "parsed").glob("graph-features-*.npz"))


def test_the_next_process_loads_the_kept_table_and_encodes_only_the_checked_cells(encoded):
    space = TwoOpCells()
    cells = list(space.enumerate())
    first = GraphFeatures(space)(cells)
    assert sum(encoded) == 2 * len(cells) and len(kept()) == 1  # both graph encodings of every cell, then kept
    assert np.array_equal(first[:20], GraphFeatures(space)(cells[:20]))  # what a few cells' own computation gives
    encoded.clear()
    again = GraphFeatures(space)(cells[::-1])  # a new feature set: nothing of the first kept in memory
    assert np.array_equal(again, first[::-1])
    from nasloop.predictors.graph_table import CHECKED  # imported here: on a nasloop without it, the test fails above

    assert 0 < sum(encoded) <= 2 * CHECKED


def test_a_few_architectures_are_computed_without_a_table(encoded):
    space = TwoOpCells()
    GraphFeatures(space)(list(space.enumerate())[:31])  # under half the space
    assert sum(encoded) == 2 * 31 and kept() == []


@pytest.mark.parametrize("damage", ["cut short", "a row short", "a fractional count", "a checked row changed",
                                    "a pickled member"])
def test_a_damaged_table_is_computed_again_and_rewritten(encoded, damage):
    space = TwoOpCells()
    cells = list(space.enumerate())
    first = GraphFeatures(space)(cells)
    (entry,) = kept()
    with np.load(entry) as data:
        rows, name = data["rows"], {KEY: data[KEY]}  # the entry's own name, kept: only the damage is refused
    if damage == "cut short":
        entry.write_bytes(entry.read_bytes()[:1000])
    elif damage == "a row short":
        np.savez(entry, rows=rows[:-1], **name)
    elif damage == "a fractional count":
        np.savez(entry, rows=rows + np.eye(*rows.shape)[::-1] * 0.5, **name)
    elif damage == "a checked row changed":  # a whole number, so only the comparison with fresh rows finds it
        np.savez(entry, rows=rows + (np.arange(len(rows)) == 0)[:, None], **name)
    else:
        np.savez(entry, rows=rows, extra=np.array([{"a": 1}], dtype=object), **name)
    encoded.clear()
    assert np.array_equal(GraphFeatures(space)(cells), first)
    assert sum(encoded) >= 2 * len(cells)  # computed again
    with np.load(entry, allow_pickle=False) as data:
        assert sorted(data.files) == sorted(["rows", KEY]) and np.array_equal(data["rows"], first)


def test_other_options_or_features_are_other_tables(encoded):
    cells = list(TwoOpCells().enumerate())
    GraphFeatures(TwoOpCells())(cells)
    GraphFeatures(TwoOpCells(base_channels=32))(cells)
    wide = GraphFeatures(TwoOpCells(), max_subset=3)
    rows = wide(cells)
    assert len(kept()) == 3 and rows.shape == (len(cells), len(wide.names))


def test_the_key_reads_the_features_code_and_every_module_of_the_spaces_package():
    from nasloop.predictors.graph_table import code_files

    files = {path.name for path in code_files(TNB101MicroSpace(), graph_features.__name__)}
    # codes.py holds the micro cells' spec, which the space's own module only imports
    assert {"graph_features.py", "space.py", "codes.py", "cell_space.py", "base.py"} <= files


def test_a_cache_folder_that_cannot_be_written_only_costs_the_computation(encoded, monkeypatch, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("the cache folder's parent is a file")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    space = TwoOpCells()
    cells = list(space.enumerate())
    assert np.array_equal(GraphFeatures(space)(cells), GraphFeatures(space)(cells[:20] + cells[20:]))
    assert blocker.read_text() == "the cache folder's parent is a file"
