"""The NB201 CSV re-saved with a byte-order mark (as Windows tools save UTF-8) is read as the CSV it is.

It was recognised as the compact NB201 CSV (the sniffer drops a BOM) and then refused as 'not the NB201 CSV:
missing columns index', a column the file has: the BOM was read into the first column's name.
"""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.search_spaces.nb201.importers import import_csv

pytestmark = pytest.mark.usefixtures("isolated_cache")

BOM = "\ufeff"


@pytest.mark.parametrize("compressed", [True, False])
def test_a_csv_with_a_bom_reads_as_the_same_table(tmp_path, csv_text, csv_table, compressed):
    path = tmp_path / ("nasbench201_all.csv.gz" if compressed else "nasbench201_all.csv")
    data = (BOM + csv_text).encode()
    path.write_bytes(gzip.compress(data) if compressed else data)
    table = import_csv(path)
    assert sorted(table.columns) == sorted(csv_table.columns)
    for name, column in csv_table.columns.items():
        np.testing.assert_array_equal(table.columns[name], column, err_msg=name)


def test_a_search_reads_the_csv_with_a_bom_in_its_data_folder(tmp_path, csv_text, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "nasbench201_all.csv.gz").write_bytes(gzip.compress((BOM + csv_text).encode()))
    assert main(["search", "--space", "nb201", "--budget", "3", "--quiet", "--data-dir", str(folder),
                 "--run-dir", str(tmp_path / "run"), "--json"]) == 0
    assert '"evaluations": 3' in capsys.readouterr().out
