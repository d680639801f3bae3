"""The HW-NAS-Bench CSV is read as lists and stored column by column, and both NB201 CSVs look their cells' strings up:
the same figures, and the same one-line refusals of a damaged copy, naming its line and column (checked against the
reader before the change, which no test refused a damaged copy of)."""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb201.cell import cell_text, codes_by_text
from nasloop.search_spaces.nb201.hardware import HW_FILE, NUM_CELLS, load_hardware


@pytest.fixture(scope="module")
def lines(data_dir) -> list[str]:
    return gzip.decompress((data_dir / HW_FILE).read_bytes()).decode().splitlines()


def _read(tmp_path, lines: list[str]) -> dict[str, np.ndarray]:
    path = tmp_path / HW_FILE
    path.write_bytes(gzip.compress("\n".join(lines).encode() + b"\n"))
    return load_hardware(str(path), path.stat().st_mtime)


def test_every_cells_string_has_its_code():
    codes = codes_by_text()
    assert len(codes) == NUM_CELLS and sorted(codes.values()) == list(range(NUM_CELLS))
    assert all(codes[cell_text(cell)] == code for cell, code in [((0,) * 6, 0), ((4,) * 6, NUM_CELLS - 1),
                                                               ((0, 0, 0, 0, 0, 1), 1)])


def test_a_copy_with_its_rows_shuffled_and_blank_lines_reads_the_same(tmp_path, lines, data_dir):
    original = load_hardware(str(data_dir / HW_FILE), (data_dir / HW_FILE).stat().st_mtime)
    rows = lines[1:]
    order = np.random.default_rng(0).permutation(len(rows))
    again = _read(tmp_path, [lines[0], *[rows[i] for i in order[:100]], "", *[rows[i] for i in order[100:]]])
    assert original.keys() == again.keys()
    assert all(np.array_equal(original[key], again[key], equal_nan=True) for key in original)
    assert np.isnan(original["cifar10:edgetpu_latency"]).sum() > 0  # -1, not compiled: no value


def test_a_damaged_copy_is_refused_naming_its_line_and_column(tmp_path, lines):
    header = lines[0].split(",")
    column = header.index("fpga_energy_cifar100")
    row = lines[5].split(",")
    row[column] = "inf"
    with pytest.raises(DataError, match=r"line 6: fpga_energy_cifar100 is 'inf', not a finite number"):
        _read(tmp_path, [*lines[:5], ",".join(row), *lines[6:]])
    row[column] = "fast"
    with pytest.raises(DataError, match="holds a row that is not an NB201 cell with numbers"):
        _read(tmp_path, [*lines[:5], ",".join(row), *lines[6:]])
    row = lines[7].split(",")
    row[header.index("arch_str")] = "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    with pytest.raises(DataError, match="holds a row that is not an NB201 cell with numbers"):
        _read(tmp_path, [*lines[:7], ",".join(row), *lines[8:]])
    with pytest.raises(DataError, match="does not cover all 15625 NB201 cells"):
        _read(tmp_path, lines[:-1])
    dropped = [",".join(part for i, part in enumerate(line.split(",")) if i != column) for line in lines]
    with pytest.raises(DataError, match="is not the HW-NAS-Bench NB201 file: it lacks the column "
                                        "'fpga_energy_cifar100'"):
        _read(tmp_path, dropped)
