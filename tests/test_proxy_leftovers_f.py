"""Leftovers of the proxy and FLAN reviews: failed proxy scores in a precomputed file, and messages naming the
wrong thing."""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.search_spaces.nb201 import NB201Space

CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
EMPTY = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
SMALL = ["--space-opt", "channels=4", "--space-opt", "cells=1"]


@pytest.fixture()
def flaky(tmp_path):
    """A registered proxy that raises a RuntimeError (as CUDA out of memory does) on the largest networks (of
    convolutions in their cells) while the marker file it returns exists, and counts parameters otherwise."""
    from nasloop.engine.evaluators.proxies import PROXIES, register_proxy

    marker = tmp_path / "out-of-memory"
    marker.touch()

    @register_proxy("flaky-f", needs_data=False)
    def flaky_f(net, inputs, targets):
        size = sum(p.numel() for p in net.parameters())
        if marker.exists() and size > 10_000:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return float(size)

    yield marker
    del PROXIES._items["flaky-f"]


@pytest.mark.usefixtures("isolated_cache")
def test_a_failed_score_is_told_apart_from_an_undefined_one_and_scored_again(image_table_folder, flaky, capsys):
    """A proxy raising a RuntimeError on a network was written as an empty field, as one undefined for it (jacov
    on a cell without paths) is: the same command continuing the file took the row as done, and runs ranked the
    cell below every scored one."""
    folder = image_table_folder
    archs, out = folder / "archs.txt", folder / "nb201-cifar10-proxies.csv"
    archs.write_text("\n".join([CONV, EMPTY]) + "\n")
    argv = ["proxies", "--space", "nb201", *SMALL, "--archs-file", str(archs), "--proxies", "params,jacov,flaky-f",
            "--batch-size", "4", "--data-dir", str(folder), "--out", str(out)]
    assert cli.main(argv) == 0
    said = capsys.readouterr().out
    assert "1 scores failed (the first: flaky-f failed: RuntimeError: CUDA out of memory" in said
    assert said.count("scores failed") == 1 and "run the same command again" in said  # one line says it
    rows = {line.split(",")[0]: line.split(",")[1:] for line in out.read_text().splitlines()[2:]}
    assert rows[CONV][2] == "failed" and rows[EMPTY][1] == ""  # failed, and undefined: apart

    space = NB201Space(channels=4, cells=1)
    context = build_context(NB201Space, "cifar10", str(folder), lookup=True)
    flaky.unlink()  # the memory is back: a run computes the failed score, as one the file lacks
    conv, empty = space.parse(CONV), space.parse(EMPTY)
    assert context.scorer(space, "flaky-f")([conv])[0] > 0
    assert math.isnan(context.scorer(space, "jacov")([empty])[0])  # undefined stays undefined

    assert cli.main(argv) == 0  # continued: the failed row is scored again, the others are kept
    said = capsys.readouterr().out
    assert "1 architectures scored, 1 already there" in said and "scores failed" not in said
    from nasloop.engine.data.proxy_file import read_proxy_file

    found = read_proxy_file(out, space)
    assert not found.failed and found.scores[CONV][2] > 0 and math.isnan(found.scores[EMPTY][1])


def test_a_file_written_before_failed_scores_were_marked_still_reads(image_table_folder):
    """An empty field still reads as undefined; nothing is taken for failed."""
    from nasloop.engine.data.proxy_file import read_proxy_file

    space = NB201Space(channels=4, cells=1)
    text = Path(image_table_folder / "old.csv")
    text.write_text('# nasloop proxies {"batch_size": 4, "dataset": "cifar10", "probe": ["x", 1], "seed": 0}\n'
                    f"arch,params,jacov\n{EMPTY},0.5,\n")
    found = read_proxy_file(text, space)
    assert not found.failed and math.isnan(found.scores[EMPTY][1])


DEAD_END = "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_3x3~1|none~2|"
"""A cell without an input-output path (zen undefined) that the user writes otherwise than its canonical form."""


def test_flan_missing_error_names_the_cell_as_the_user_wrote_it(nb201_context):
    """FLAN reads its features on canonical forms, and 'missing=error' named that form
    (|none~0|+|none~0|none~1|+...), a cell the user never gave; the forest named the user's own."""
    from nasloop.engine.errors import DataError
    from nasloop.predictors.flan import FlanPredictor

    space = NB201Space()
    good = [space.parse(CONV), space.parse("|nor_conv_1x1~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_3x3~0|"
                                           "skip_connect~1|nor_conv_1x1~2|")]
    dead = space.parse(DEAD_END)
    assert space.format(dead) == DEAD_END

    def flan() -> FlanPredictor:
        return FlanPredictor(space, context=nb201_context, supplementary=["zen"], missing="error", ensemble=1,
                             steps=1)

    with pytest.raises(DataError, match=f"e\\.g\\. {re.escape(DEAD_END)};"):
        flan().fit([*good, dead], [0.9, 0.8, 0.1])
    with pytest.raises(DataError, match=f"e\\.g\\. {re.escape(DEAD_END)};"):
        flan().fit(good, [0.9, 0.8]).predict([good[0], dead])


def test_a_blend_member_is_told_to_add_space_id_inside_its_options(tmp_path):
    """In a blend, 'add space_id=true' read as a top-level option, which the blend refuses ('predictor 'blend' has
    no option 'space_id''): the member's hint now says where the option goes, as its other hints do."""
    import numpy as np

    from nasloop.engine.errors import ConfigError
    from nasloop.predictors.blend import BlendPredictor
    from nasloop.predictors.flan import FlanPredictor
    from nasloop.predictors.flan_transfer import save_pretrained
    from nasloop.predictors.mixed_space import MixedSpace
    from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

    nb201, micro = NB201Space(), TNB101MicroSpace()
    mix = MixedSpace([nb201, micro])
    cells = [(0, arch) for arch in list(nb201.enumerate())[:3]] + [(1, arch) for arch in list(micro.enumerate())[:3]]
    flan = FlanPredictor(mix, space_id=True, ensemble=1, steps=1).fit(cells, np.arange(6.0))
    out = save_pretrained(flan, tmp_path / "mix.pt", ["nb201", "tnb101-micro"], len(cells))
    with pytest.raises(ConfigError, match=re.escape("add --predictor-opt 'members={flan: {space_id: true}, ...}': "
                                                    "the file was pretrained with it")):
        BlendPredictor(nb201, members={"flan": {"pretrained": str(out)}, "forest": {}})
    plain = FlanPredictor(nb201, ensemble=1, steps=1).fit(list(nb201.enumerate())[:3], np.arange(3.0))
    save_pretrained(plain, tmp_path / "plain.pt", ["nb201"], 3)
    with pytest.raises(ConfigError, match=re.escape("drop space_id: true from flan's options in --predictor-opt "
                                                    "members: the file was pretrained without it")):
        BlendPredictor(nb201, members={"flan": {"space_id": True, "pretrained": str(tmp_path / "plain.pt")},
                                       "forest": {}})


def _printed(capsys: pytest.CaptureFixture[str], archs: Path, folder: Path, out: Path, *size: str) -> str:
    """What 'nasloop proxies --out' printed: the summary line (stdout) and any note (stderr, under its name)."""
    assert cli.main(["proxies", "--space", "nb201", *size, "--archs-file", str(archs), "--proxies", "params",
                     "--batch-size", "2", "--data-dir", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert all(line.startswith("nasloop proxies: note: ") for line in printed.err.splitlines())
    return printed.out + printed.err


@pytest.mark.usefixtures("isolated_cache")
def test_proxies_out_says_when_runs_will_not_find_the_file(image_table_folder, capsys):
    """A file under another name or folder than runs look for is read by no run: it went unsaid."""
    folder = image_table_folder
    archs = folder / "archs.txt"
    archs.write_text(CONV + "\n")
    said = _printed(capsys, archs, folder, folder / "cells.csv", *SMALL)
    assert said.count("note:") == 1 and "runs read a proxy file only as nb201-cifar10-proxies.csv in a data " \
        f"folder ({folder}" in said
    assert "note:" not in _printed(capsys, archs, folder, folder / "nb201-cifar10-proxies.csv", *SMALL)


@pytest.mark.usefixtures("isolated_cache")
def test_proxies_out_says_which_proxies_runs_take_from_the_stored_ones(tmp_path, data_dir, capsys):
    """The README's own 'nasloop proxies --all --proxies params,synflow,jacov --out' on NB201 CIFAR-10 wrote a file
    whose proxies runs take from NAS-Bench-Suite-Zero's stored ones, unsaid."""
    archs = tmp_path / "archs.txt"
    archs.write_text(CONV + "\n")
    said = _printed(capsys, archs, data_dir, tmp_path / "nb201-cifar10-proxies.csv")
    assert said.count("\n") == 2 and said.splitlines()[1].startswith(
        "nasloop proxies: note: runs take params from nb201's stored proxies for cifar10, not from this file")
