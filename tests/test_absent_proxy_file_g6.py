"""Feature 'proxies' says once a run that it holds only the table's own proxies where Suite-Zero's file is missing.

Without ``nb201_zc_proxies.csv.gz``, ``predictors evaluate --space nb201 --predictor forest --predictor-opt
'features=[proxies]'`` read Zen, params and flops alone (Kendall tau 0.517 at 40 training cells, against 0.732 with
the file's 13 proxies) and said nothing. Not an error: the note names the file, where it was looked for and what
'proxies' then holds.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from nasloop.engine.assemble import build_context
from nasloop.predictors.features import FeatureSet
from nasloop.search_spaces.nb201 import NB201Space


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

