"""NB201's two CSVs and NB101's JSON are parsed once and their columns kept in the user cache folder for the next
process: every search's, study's, Ray worker's and test subprocess's first lookup parsed them again (NB201's 0.9 s
of CPU, NB101's 1.5-3 s). The key is the file's version and the parsing code's; a damaged entry is parsed again and
rewritten, a rewritten file is read again, and a cache folder that cannot be written only costs the parse."""
from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from nasloop.engine.data.parsed_cache import KEY, cache_file
from nasloop.engine.errors import DataError
from nasloop.engine.data import numbers, table
from nasloop.search_spaces.nb101 import graph, importers_naslib
from nasloop.search_spaces.nb101 import importers as nb101_importers
from nasloop.search_spaces.nb101.importers import JSON_FILE, import_json
from nasloop.search_spaces.nb201 import cell, cost, hardware, importers
from nasloop.search_spaces.nb201 import space as space_code
from nasloop.search_spaces.nb201.hardware import HW_FILE
from nasloop.search_spaces.nb201.importers import CSV_FILE, import_csv

HW_CODE = (hardware, cell)
CSV_CODE = (importers, cell, cost, space_code, table)
JSON_CODE = (nb101_importers, graph, importers_naslib, numbers, table)


@pytest.fixture
def copies(tmp_path, data_dir, isolated_cache):
    """Copies of both CSVs, which tests may damage, and an empty cache folder."""
    for name in (HW_FILE, CSV_FILE, JSON_FILE):
        shutil.copyfile(data_dir / name, tmp_path / name)
    return tmp_path


def read_hardware(path) -> dict[str, np.ndarray]:
    """The hardware columns as a fresh process reads them: past this process's own memo."""
    return hardware.load_hardware.__wrapped__(str(path), path.stat().st_mtime)


def same(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> bool:
    return first.keys() == second.keys() and all(
        first[k].dtype == second[k].dtype and first[k].tobytes() == second[k].tobytes() for k in first)


def test_the_next_read_of_a_csv_loads_the_kept_columns(copies):
    path = copies / HW_FILE
    parsed = read_hardware(path)
    kept = cache_file(path, "nb201-hw", HW_CODE)
    assert kept is not None and kept.is_file()
    with np.load(kept) as data:  # the entry is what the next read returns: edited, the edit is read
        columns = {name: data[name] for name in data.files}
    name = columns.pop(KEY)  # the entry's own name, which it keeps
    assert same(parsed, columns) and str(name) == kept.name
    columns["cifar10:edgegpu_latency"] = columns["cifar10:edgegpu_latency"] + 1.0
    np.savez(kept, **columns, **{KEY: name})
    assert read_hardware(path)["cifar10:edgegpu_latency"][0] == parsed["cifar10:edgegpu_latency"][0] + 1.0


@pytest.mark.parametrize("name, read, kind, code", [(CSV_FILE, import_csv, "nb201-csv", CSV_CODE),
                                                     (JSON_FILE, import_json, "nb101-json", JSON_CODE)],
                         ids=["nb201", "nb101"])
def test_a_table_read_from_its_cache_is_the_parsed_one(copies, name, read, kind, code):
    path = copies / name
    parsed = read(path)
    assert cache_file(path, kind, code).is_file()
    again = read(path)
    assert same(parsed.columns, again.columns) and parsed.meta == again.meta


@pytest.mark.parametrize("damage", ["cut short", "a column short"])
def test_a_damaged_entry_is_parsed_again_and_rewritten(copies, damage):
    path = copies / HW_FILE
    parsed = read_hardware(path)
    kept = cache_file(path, "nb201-hw", HW_CODE)
    if damage == "cut short":
        kept.write_bytes(kept.read_bytes()[:100_000])
    else:
        with np.load(kept) as data:
            np.savez(kept, **{name: data[name] if name == KEY else data[name][:-1] for name in data.files})
    assert same(read_hardware(path), parsed)
    with np.load(kept) as data:
        assert same({name: data[name] for name in data.files if name != KEY}, parsed)


def test_a_rewritten_csv_is_read_again_not_taken_from_the_cache(copies):
    path = copies / HW_FILE
    read_hardware(path)
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("edgegpu_latency_cifar10")] = "inf"
    path.write_bytes(gzip.compress("\n".join([lines[0], ",".join(row), *lines[2:]]).encode(), compresslevel=1))
    with pytest.raises(DataError, match="edgegpu_latency_cifar10 is 'inf', not a finite number"):
        read_hardware(path)


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(copies, monkeypatch, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("the cache folder's parent is a file")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert read_hardware(copies / HW_FILE)["cifar10:edgegpu_latency"].shape == (hardware.NUM_CELLS,)
    assert blocker.read_text() == "the cache folder's parent is a file"


def test_another_version_of_the_parsing_code_is_another_entry_kept_beside_it(copies):
    path = copies / HW_FILE
    assert cache_file(path, "nb201-hw", HW_CODE) != cache_file(path, "nb201-hw", (hardware,))
    assert cache_file(path, "nb201-hw", HW_CODE) != cache_file(path, "nb201-csv", HW_CODE)
    older = cache_file(path, "nb201-hw", (hardware,))
    older.parent.mkdir(parents=True)
    older.write_bytes(b"an entry of another nasloop")
    read_hardware(path)  # that nasloop's entry is its own (two nasloops sharing a cache replaced each other's)
    assert older.read_bytes() == b"an entry of another nasloop" and cache_file(path, "nb201-hw", HW_CODE).is_file()
