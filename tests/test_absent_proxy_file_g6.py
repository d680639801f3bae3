"""Feature 'proxies' says once a run that it holds only the table's own proxies where Suite-Zero's file is missing.

Without ``nb201_zc_proxies.csv.gz``, ``predictors evaluate --space nb201 --predictor forest --predictor-opt
'features=[proxies]'`` read Zen, params and flops alone (Kendall tau 0.517 at 40 training cells, against 0.732 with
the file's 13 proxies) and said nothing. Not an error: the note names the file, where it was looked for and what
'proxies' then holds.
"""
from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.errors import DataError
from nasloop.predictors.features import FeatureSet
from nasloop.search_spaces.nb201 import NB201Benchmark, NB201Space


@pytest.fixture(scope="module")
def table_folder(tmp_path_factory, data_dir: Path) -> Path:
    """A data folder with the NB201 table alone, not Suite-Zero's proxy file (one for the module: the table loads
    once per path)."""
    folder = tmp_path_factory.mktemp("table_only")
    (folder / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    return folder


@pytest.fixture()
def table_only(table_folder: Path, isolated_cache) -> Path:
    """That folder as the only one a run searches."""
    return table_folder


def notes_of(data_dir: Path, dataset: str = "cifar10", builds: int = 2) -> list[str]:
    """The notes of one run context on which ``builds`` predictors read feature 'proxies' (predictors evaluate
    builds one per train size and seed on the command's one context)."""
    notes: list[str] = []
    context = dataclasses.replace(build_context(NB201Space, dataset, str(data_dir)), on_note=notes.append)
    for _ in range(builds):
        FeatureSet(NB201Space(), context, ["proxies"])
    return notes


def test_proxies_without_the_suite_zero_file_are_noted_once_a_run(table_only):
    notes = notes_of(table_only)
    assert len(notes) == 1
    said = notes[0]
    assert said.startswith("feature 'proxies' holds only flops, params, zen, what the nb201 table stores for cifar10, "
                           "not epe_nas, fisher,")
    assert "nb201_zc_proxies.csv.gz stores 'epe_nas' for cifar10, and was not found" in said
    assert str(table_only) in said and "$NASLOOP_DATA" in said and "\n" not in said


def test_a_task_the_file_does_not_score_is_not_noted(table_only):
    """The suite scored no CIFAR-100: its file would add nothing there."""
    assert notes_of(table_only, "cifar100", builds=1) == []



def test_a_damaged_proxy_file_says_where_it_comes_from(tmp_path):
    """Its refusal said 'as the data README says', a file a fresh machine does not have."""
    with gzip.open(tmp_path / "nb201_zc_proxies.csv.gz", "wt") as fh:
        fh.write("index,arch_str\n0,x\n")
    with pytest.raises(DataError) as caught:
        NB201Benchmark(tmp_path).suite_zero("cifar10")
    said = str(caught.value)
    assert "get nb201_zc_proxies.csv.gz again (where it comes from: the README's 'Data' section)" in said
    assert "data README" not in said
