"""Every space's table is loaded by one cache of (benchmark, path, modification time), with only how it reads its
public files its own: NB101, NB201, NB301, NDS and TNB101 each had a copy of the cached loader and its ``.npz``
branch."""
from __future__ import annotations

import os

import pytest

from nasloop.engine.errors import DataError
from nasloop.search_spaces.benchmark import Benchmark
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.table_files import load_table

from .nb101_small_e import small_nb101


def test_a_table_is_read_once_per_file_version_and_a_damaged_one_every_time(data_dir, tmp_path):
    small_nb101(data_dir, tmp_path)  # three cells: the whole table takes seconds to load
    bench = NB101Benchmark(tmp_path)
    table = bench.table
    assert load_table(NB101Benchmark, *bench.located(("nb101.npz", "nasbench101_30k.json.gz"), "")) is table
    assert NB101Benchmark(tmp_path).table is table  # a new run's object: the loaded table
    table.save(tmp_path / "nb101.npz")  # nasloop's own table, found before the JSON
    own = NB101Benchmark(tmp_path).table
    assert own is not table and len(own) == 3 and NB101Benchmark(tmp_path).table is own
    (tmp_path / "nb101.npz").write_bytes(b"not a table")
    stat = (tmp_path / "nb101.npz").stat()
    os.utime(tmp_path / "nb101.npz", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # another version
    for _ in range(2):  # a file that failed to read is not kept: read again, the same line
        with pytest.raises(DataError, match="nb101.npz") as info:
            NB101Benchmark(tmp_path).table
        assert "\n" not in str(info.value)


def test_a_benchmark_reading_no_public_file_says_how_to_import_one(tmp_path):
    """The message named the benchmark as the --space of 'nasloop data import' (nb301's space is darts)."""
    class OwnTableOnly(NB101Benchmark):
        name = "own-table-only"
        read_source = classmethod(Benchmark.read_source.__func__)  # the base class default

    source = tmp_path / "results.csv"
    with pytest.raises(DataError) as info:
        OwnTableOnly.read_table(source)
    assert str(info.value) == (f"{source}: the own-table-only benchmark reads only nasloop's own table file; import it "
                               f"with 'nasloop data import --space SPACE {source}', SPACE the space whose benchmark "
                               "it is")
