"""A demanding user's walk of 'Predictors across spaces': proxy files, pretrained files and their bad inputs.

Each test is a defect the walk met: what a user saw before is in its docstring.
"""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.errors import ConfigError, DataError
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.flan_transfer import load_pretrained, save_pretrained
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

CELLS = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
         "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|nor_conv_1x1~2|"]
SMALL = ["--space-opt", "channels=4", "--space-opt", "cells=1"]


@pytest.fixture()
def proxy_file(image_table_folder, isolated_cache):
    """A 'nasloop proxies' file of two cells' params in the folder's NB201 CIFAR-10 place."""
    archs, out = image_table_folder / "archs.txt", image_table_folder / "nb201-cifar10-proxies.csv"
    archs.write_text("\n".join(CELLS) + "\n")
    assert cli.main(["proxies", "--space", "nb201", *SMALL, "--archs-file", str(archs), "--proxies", "params",
                     "--data-dir", str(image_table_folder), "--out", str(out)]) == 0
    return out


def _stored(folder):
    return build_context(NB201Space, "cifar10", str(folder)).stored_proxies(NB201Space(channels=4, cells=1))


@pytest.mark.parametrize("column, hint", [(" meco", "write it 'meco'"), ("Meco", "write it 'meco'"),
                                          ("val_acc", "drop its column")])
def test_a_proxy_file_column_that_names_no_proxy_is_named(proxy_file, column, hint):
    """A column ' meco' (a space after the comma) became a stored proxy of its own while meco was computed on the
    networks, and a column of anything else (an accuracy) became a feature of 'features=[proxies]', unseen."""
    lines = proxy_file.read_text().splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n") + f",{column}\n"
    lines[2:] = [line.rstrip("\n") + ",1.5\n" for line in lines[2:]]
    proxy_file.write_text("".join(lines))
    with pytest.raises(DataError, match=f"line 2 names column '{column}', which is no zero-cost proxy.*{hint}"):
        _stored(proxy_file.parent)


def test_a_proxy_file_of_registered_names_is_read(proxy_file):
    assert "params" in _stored(proxy_file.parent)


def test_a_suite_zero_file_scoring_a_cell_twice_differently_is_named(image_table_folder, isolated_cache, data_dir):
    """A row repeated with other scores (two files joined, an edit) was read, the last one silently served."""
    lines = gzip.decompress((data_dir / "nb201_zc_proxies.csv.gz").read_bytes()).decode().splitlines(keepends=True)
    fields = lines[1].split(",")
    fields[2] = repr(float(fields[2]) + 1.0)  # synflow_cifar10, another value
    (image_table_folder / "nb201_zc_proxies.csv.gz").write_bytes(gzip.compress("".join(
        [*lines, ",".join(fields)]).encode(), compresslevel=1))
    with pytest.raises(DataError, match=f"line {len(lines) + 1} scores .* again, differently from line 2"):
        build_context(NB201Space, "cifar10", str(image_table_folder)).stored_proxies()


def test_the_same_supplementary_option_on_another_task_is_told_why_the_features_differ(tmp_path, data_dir):
    """A file pretrained on TNB101-micro class_object with [proxies] (its 3 stored ones), fine-tuned on class_scene
    with [proxies] (13 there), was refused with "give the same supplementary option", the option the user gave."""
    space = TNB101MicroSpace()
    on = {task: build_context(TNB101MicroSpace, task, str(data_dir), lookup=True)
          for task in ("class_object", "class_scene")}
    cells = list(space.enumerate())[100:106]
    flan = FlanPredictor(space, context=on["class_object"], supplementary=["proxies"], ensemble=1, steps=1)
    out = save_pretrained(flan.fit(cells, np.arange(6.0)), tmp_path / "object.pt", ["tnb101-micro"], len(cells))
    with pytest.raises(ConfigError, match=r"; give the same supplementary option, or pretrain again \(where it was "
                                          "the same, the file was pretrained on another task of tnb101-micro, whose "
                                          r"stored proxies differ: name the features both have \(--predictor-opt "
                                          r"'supplementary=\[epe_nas, synflow, zen\]'\) or pretrain on this task\)$"):
        FlanPredictor(space, context=on["class_scene"], supplementary=["proxies"], pretrained=str(out))
    advised = ["epe_nas", "synflow", "zen"]
    for context in on.values():  # the advice works: the same features by name on both tasks
        assert FlanPredictor(space, context=context, supplementary=advised).supplementary_names == advised
    FlanPredictor(space, context=on["class_scene"], supplementary=advised, pretrained=str(out))


def test_other_graph_features_on_the_files_own_space_are_told_to_give_the_same_option(tmp_path, data_dir):
    """Graph features are the same on every task: a different option, not a task, is the cause."""
    space = NB201Space()
    context = build_context(NB201Space, "cifar10", str(data_dir), lookup=True)
    cells = list(space.enumerate())[100:106]
    flan = FlanPredictor(space, context=context, supplementary=["graph"], ensemble=1, steps=1)
    out = save_pretrained(flan.fit(cells, np.arange(6.0)), tmp_path / "graph.pt", ["nb201"], len(cells))
    with pytest.raises(ConfigError, match=r"; give the same supplementary option, or pretrain again$"):
        FlanPredictor(space, context=context, supplementary=["graph:dataflow"], pretrained=str(out))


class _OwnTokens(NB201Space):
    """A user's copy of NB201 before it declared its ops the same as NB201's: every op written '<name>/<op>'."""

    name = "walk-d-cells"
    same_ops: dict = {}


class _SharedTokens(NB201Space):
    """The same space once it declares them (NB201's same_ops), as DARTS did when the NDS families came."""

    name = "walk-d-cells"


def test_a_pretrained_files_own_named_ops_are_read_once_the_space_shares_them(tmp_path):
    """Refused as sharing no op token ("declare same_ops", which the space had); where only some ops became shared
    (DARTS' separable convolutions), their learned rows stayed unread while the same ops got fresh ones, unseen."""
    old = _OwnTokens()
    cells = list(old.enumerate())[100:106]
    flan = FlanPredictor(old, ensemble=1, steps=1)
    out = save_pretrained(flan.fit(cells, np.arange(6.0)), tmp_path / "own.pt", ["walk-d-cells"], len(cells))
    written = load_pretrained(out)["vocab"]
    assert "walk-d-cells/nor_conv_3x3" in written
    new = _SharedTokens()
    tuned = FlanPredictor(new, pretrained=str(out), ensemble=1, steps=1)
    assert tuned.vocab.tokens() == [new.token(t.partition("/")[2]) if t.startswith("walk-d-cells/") else t
                                    for t in written]
    tuned.fit(cells, np.arange(6.0))
    assert len(tuned.vocab.tokens()) == len(written)  # no op got a fresh row
