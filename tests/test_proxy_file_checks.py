"""What a run checks of a precomputed proxy file before serving its scores, and what 'nasloop proxies' counts.

Each was served or said without a word: a file scored on another mini-batch (its missing cells computed on the
run's, two scales in one column), a settings line without the settings the checks read, infinite or NaN scores,
and a sample's repeats reported as 'already there' in a file that did not exist.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.errors import DataError
from nasloop.engine.evaluators.proxies import score_architectures
from nasloop.search_spaces.nb201 import NB201Space

CELLS = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
         "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|nor_conv_1x1~2|"]
OTHER = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
SMALL = ["--space-opt", "channels=4", "--space-opt", "cells=1"]

pytestmark = pytest.mark.usefixtures("isolated_cache")  # the folder below is the only data folder


@pytest.fixture()
def folder(image_table_folder):
    return image_table_folder


def write(folder, cells, *extra, proxies="params,jacov"):
    """Run 'nasloop proxies' on ``cells`` into the folder's NB201 CIFAR-10 file; returns the file."""
    archs, out = folder / "archs.txt", folder / "nb201-cifar10-proxies.csv"
    archs.write_text("\n".join(cells) + "\n")
    assert cli.main(["proxies", "--space", "nb201", *SMALL, "--archs-file", str(archs), "--proxies", proxies,
                     "--data-dir", str(folder), "--out", str(out), *extra]) == 0
    return out


def stored(folder):
    return build_context(NB201Space, "cifar10", str(folder)).stored_proxies(NB201Space(channels=4, cells=1))


def test_missing_cells_are_computed_with_the_files_mini_batch_and_seed(folder):
    """They were computed on the run's (64 images, seed 0) beside the file's scores of 16 images, seed 1."""
    write(folder, CELLS, "--batch-size", "16", "--seed", "1")
    space = NB201Space(channels=4, cells=1)
    other = space.parse(OTHER)  # not in the file

    def computed(**settings):
        return score_architectures(space, [other], ["jacov"], data_dir=folder, **settings)[0]["scores"]["jacov"]

    as_file, as_run = computed(batch_size=16, seed=1), computed()
    assert not np.isclose(as_file, as_run)
    context = build_context(NB201Space, "cifar10", str(folder), lookup=True)
    assert context.scorer(space, "jacov")([space.parse(CELLS[0]), other])[1] == pytest.approx(as_file)


def test_a_settings_line_without_what_the_checks_read_is_refused(folder):
    """``# nasloop proxies {}`` was read: no probe skipped the network-size check, no dataset the dataset check."""
    out = write(folder, CELLS[:1])
    REQUIRED = ("dataset", "batch_size", "seed", "probe")
    settings_line, rest = out.read_text().split("\n", 1)
    settings = json.loads(settings_line[len("# nasloop proxies "):])
    assert set(REQUIRED) <= {key for key, value in settings.items() if value is not None}  # what it writes
    assert stored(folder)
    for key in REQUIRED:
        out.write_text("# nasloop proxies " + json.dumps({k: v for k, v in settings.items() if k != key}) + "\n"
                       + rest)
        with pytest.raises(DataError, match=f"line 1 records no {key}, so its scores cannot be checked"):
            stored(folder)
    out.write_text("# nasloop proxies {}\n" + rest)
    with pytest.raises(DataError, match="line 1 records no dataset or batch_size or seed or probe, .* compute it "
                                        "again with 'nasloop proxies"):
        stored(folder)
    out.write_text("# nasloop proxies " + json.dumps({**settings, "batch_size": "16"}) + "\n" + rest)
    with pytest.raises(DataError, match="line 1 records batch size '16' and seed 0, not whole numbers"):
        stored(folder)


@pytest.mark.parametrize("value", ["inf", "-inf", "1e999", "nan", "NaN"])
def test_a_score_that_is_not_finite_is_refused(folder, value):
    """'nasloop proxies' leaves a failed proxy's field empty: an infinite or NaN score was put there otherwise,
    and was served."""
    out = write(folder, CELLS[:1], proxies="params")
    out.write_text(out.read_text() + f"{CELLS[1]},{value}\n")
    with pytest.raises(DataError, match=re.escape(f"line 4 scores '{value}', not a finite number; the file is "
                                                  "damaged")):
        stored(folder)


def test_repeats_in_the_list_are_not_reported_as_already_there(folder, capsys):
    """A sample drawn with repeats into a new file printed '197 architectures scored, 3 already there'."""
    from nasloop.engine.config import construct
    from nasloop.engine.proxy_precompute import precompute
    from nasloop.engine.registry import EXECUTORS

    out = write(folder, [CELLS[0], CELLS[1], CELLS[0]], proxies="params")
    printed = capsys.readouterr().out
    assert "2 architectures scored, 0 already there, 1 repeated in the list (scored once)" in printed
    assert len(out.read_text().splitlines()) == 4
    space = NB201Space(channels=4, cells=1)
    heard: list = []
    with construct("executor", "inprocess", EXECUTORS.get("inprocess")) as executor:
        summary = precompute(space, [space.parse(c) for c in (CELLS[1], OTHER, OTHER)], ["params"], out,
                             build_context(NB201Space, "cifar10", str(folder)), executor, on_skip=heard.append,
                             space_options={"channels": 4, "cells": 1})
    assert summary == {"scored": 1, "skipped": 1, "repeated": 1, "failed": 0, "reason": None,
                       "errors": 0, "error": None, "retried": 0, "again": 0, "again_first": None, "added": [],
                       "held": 0} and heard == [2]
