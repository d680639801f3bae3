"""The early NAS-Bench-Suite-Zero file (``zc_proxies_partial.json.gz``) reads a score the suite could not compute as
NaN, by the rule its final NB201 CSV is read by (``suite_zero_csv.suite_scores``): it read the synflow of a cell
without an input-output path as 0.0 (and a score marked -1e8 as that number), scores stored for those cells alone."""
from __future__ import annotations

import math

from nasloop.search_spaces.cell_space import live_cell
from nasloop.search_spaces.nb201.cell import SPEC
from nasloop.search_spaces.nb201.suite_zero import load_nb201_zc
from nasloop.search_spaces.suite_zero_csv import INVALID


def test_the_partial_file_reads_undefined_scores_as_nan_as_the_csv_does(data_dir):
    reference = load_nb201_zc("cifar10", data_dir)
    pathless = [cell for cell in reference if live_cell(SPEC, cell) == (0,) * 6]  # every op off any input-output path
    assert pathless and all(math.isnan(reference[cell]["synflow"]) for cell in pathless)
    others = [record["synflow"] for cell, record in reference.items() if cell not in pathless and "synflow" in record]
    assert all(math.isfinite(v) and v != 0.0 for v in others)  # the log of a positive sum, as the CSV keeps it
    assert all(v != INVALID for record in reference.values() for v in record.values())
    # synflow, the 2 marked -1e8 and the 5 reading the images it stores as numbers there (snip, grasp, fisher, ...)
    assert sum(math.isnan(v) for record in reference.values() for v in record.values()) == 8
