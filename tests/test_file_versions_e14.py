"""A data file replaced by another with its modification time kept (``rsync -a``, ``cp -p``, an archive's normalised
times) is read again by the process that read the first: its memos were keyed by the modification time alone, so
every later run of a study, or of a notebook's session, was served the replaced file's table."""
from __future__ import annotations

import csv
import gzip
import io
import os
import shutil

import numpy as np

from nasloop.search_spaces.nb201.benchmark import NB201Benchmark
from nasloop.search_spaces.nb201.importers import CSV_FILE

COLUMN = "cifar10@200:test_accuracy"


def test_a_table_replaced_with_its_time_kept_is_read_again_by_the_same_process(tmp_path, data_dir, isolated_cache):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(data_dir / CSV_FILE, folder / CSV_FILE)
    rows = list(csv.reader(io.StringIO(gzip.decompress((folder / CSV_FILE).read_bytes()).decode())))
    rows[1][rows[0].index("cifar10_test_200")] = "11.5"  # a corrected release of the file
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    (tmp_path / "new").write_bytes(gzip.compress(text.getvalue().encode()))
    first = NB201Benchmark(data_dir=str(folder)).table.columns[COLUMN].copy()
    kept = os.stat(folder / CSV_FILE)
    os.utime(tmp_path / "new", ns=(kept.st_atime_ns, kept.st_mtime_ns))  # as rsync -a gives it the source's time
    os.replace(tmp_path / "new", folder / CSV_FILE)
    again = NB201Benchmark(data_dir=str(folder)).table.columns[COLUMN]  # a new run's benchmark, in this process
    assert np.count_nonzero(again != first) == 1 and 11.5 in again  # was the replaced file's, from memory
