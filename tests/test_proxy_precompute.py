"""Precomputed proxy files: written row by row, continued after a stop, read back as stored proxies."""
from __future__ import annotations

import fcntl
import re

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.errors import DataError
from nasloop.engine.evaluators.proxies import score_architectures
from nasloop.search_spaces.nb201 import NB201Space

CELLS = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
         "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|nor_conv_1x1~2|",
         "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
         "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"]
SMALL = ["--space-opt", "channels=4", "--space-opt", "cells=1"]

pytestmark = pytest.mark.usefixtures("isolated_cache")  # the folder below is the only data folder


@pytest.fixture()
def folder(image_table_folder):
    return image_table_folder


def proxies_argv(folder, archs_file, out, size=SMALL):
    return ["proxies", "--space", "nb201", *size, "--archs-file", str(archs_file), "--proxies", "params,jacov",
            "--data-dir", str(folder), "--out", str(out)]


def proxies(folder, archs_file, *extra):
    return cli.main(proxies_argv(folder, archs_file, folder / "nb201-cifar10-proxies.csv") + list(extra))


def scored(folder, cells):
    """The archs file of ``cells`` and the proxy file the command wrote for them."""
    archs = folder / "archs.txt"
    archs.write_text("\n".join(cells) + "\n")
    assert proxies(folder, archs) == 0
    return archs, folder / "nb201-cifar10-proxies.csv"


def test_rows_are_written_continued_and_read_back_as_stored_proxies(folder, capsys):
    archs, out = scored(folder, CELLS[:3])
    first = out.read_text()
    settings, header = first.splitlines()[:2]
    assert settings.startswith("# nasloop proxies {") and '"channels": 4' in settings
    assert header == "arch,params,jacov" and len(first.splitlines()) == 5
    archs.write_text("\n".join(CELLS) + "\n")  # one more: the run continues, the old rows stay as they were
    assert proxies(folder, archs) == 0
    assert "1 architectures scored, 3 already there" in capsys.readouterr().out
    assert out.read_text().startswith(first) and len(out.read_text().splitlines()) == 6
    assert out.read_text().splitlines()[-1].endswith(",")  # jacov is undefined on the cell of no paths

    space = NB201Space(channels=4, cells=1)
    context = build_context(NB201Space, "cifar10", str(folder), lookup=True)
    assert "jacov" in context.stored_proxies(space) and "jacov" not in context.stored_proxies()
    cells = [space.parse(c) for c in CELLS[:2]]
    direct = [r["scores"]["jacov"] for r in score_architectures(space, cells, ["jacov"], data_dir=folder)]
    assert np.allclose(context.scorer(space, "jacov")(cells), direct)
    other = space.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
                        "nor_conv_1x1~2|")  # not in the file
    computed = score_architectures(space, [other], ["jacov"], data_dir=folder)[0]["scores"]["jacov"]
    assert context.scorer(space, "jacov")([cells[0], other])[1] == pytest.approx(computed)


def test_a_continued_file_says_how_many_rows_it_holds_before_scoring_the_rest(folder):
    """A progress bar of a continued file ended at 7 of 27: it counted only the rows scored this time."""
    from nasloop.engine.config import construct
    from nasloop.engine.proxy_precompute import precompute
    from nasloop.engine.registry import EXECUTORS

    _, out = scored(folder, CELLS[:3])
    space = NB201Space(channels=4, cells=1)
    heard: list = []
    with construct("executor", "inprocess", EXECUTORS.get("inprocess")) as executor:
        summary = precompute(space, [space.parse(c) for c in CELLS], ["params", "jacov"], out,
                             build_context(NB201Space, "cifar10", str(folder)), executor,
                             on_row=lambda text: heard.append("row"), on_skip=heard.append,
                             space_options={"channels": 4, "cells": 1})
    assert heard == [3, "row"] and summary == {"scored": 1, "skipped": 3, "repeated": 0, "failed": 0,
                                                        "reason": None, "errors": 0, "error": None,
                                                        "retried": 0, "again": 0, "again_first": None,
                                                        "added": [], "held": 0}


def test_bad_files_and_commands_are_one_line(folder, capsys):
    archs = folder / "archs.txt"
    archs.write_text(CELLS[0] + "\n")
    assert proxies(folder, archs) == 0
    capsys.readouterr()
    assert cli.main(["proxies", "--space", "nb201", *SMALL, "--archs-file", str(archs), "--proxies", "synflow",
                     "--data-dir", str(folder), "--out", str(folder / "nb201-cifar10-proxies.csv")]) == 2
    assert "holds proxies params, jacov, not synflow" in capsys.readouterr().err
    out = folder / "nb201-cifar10-proxies.csv"
    out.write_text(out.read_text() + "|nor_conv_3x3~0|+|broken,1.0,2.0\n")
    with pytest.raises(DataError, match="line 4 is not an architecture of 'nb201'"):
        build_context(NB201Space, "cifar10", str(folder)).stored_proxies(NB201Space())
    assert cli.main(["proxies", "--space", "nago", "--all", "--out", str(folder / "x.csv")]) == 2
    assert "--all needs a space that lists its architectures; 'nago' does not" in capsys.readouterr().err
    assert cli.main(["proxies", "--space", "nb201", "--all"]) == 2
    assert "give --out FILE" in capsys.readouterr().err


def test_a_task_without_images_names_the_proxies_its_table_stores(data_dir, tmp_path, capsys):
    argv = ["proxies", "--sample", "2", "--data-dir", str(data_dir), "--dataset", "class_scene", "--proxies", "jacov"]
    assert cli.main([*argv, "--space", "tnb101-micro"]) == 2
    error = capsys.readouterr().err
    assert "'class_scene' is a task of the tnb101-micro table whose images nasloop does not read" in error
    assert "predictors read what its table stores with features=[proxies] (it stores epe_nas, " in error
    assert error.count("\n") == 1 and "--dataset cifar10" not in error  # a task the table lacks: refused in turn
    assert cli.main([*argv, "--space", "nb201"]) == 2  # not a task of NB201's table: the list of image datasets
    assert "unknown dataset 'class_scene'; choose from: cifar10" in capsys.readouterr().err
    # the proxy and train evaluators said 'unknown dataset class_scene' of a task the table has (the proxy evaluator
    # scores the data-free proxies there: jacov reads images)
    for evaluator, cannot, more in (("proxy", "scored", ["--proxies", "jacov"]), ("train", "trained", [])):
        assert cli.main(["search", "--space", "tnb101-micro", "--dataset", "class_scene", "--evaluator", evaluator,
                         "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"), *more]) == 2
        error = capsys.readouterr().err
        assert not (tmp_path / "run").exists()
        assert (f"'class_scene' is a task of the tnb101-micro table whose images nasloop does not read, so its "
                f"networks cannot be {cannot} on it") in error
        assert "; search the table with --evaluator tabular" in error


def test_a_row_keeps_the_proxies_that_did_not_fail(folder, capsys):
    archs = folder / "dead.txt"
    archs.write_text(CELLS[3] + "\n")  # no input-output path: jacov is undefined, params is not
    assert cli.main(["proxies", "--space", "nb201", *SMALL, "--archs-file", str(archs), "--proxies", "jacov,params",
                     "--data-dir", str(folder), "--out", str(folder / "dead.csv")]) == 0
    _, header, row = (folder / "dead.csv").read_text().splitlines()
    assert header == "arch,jacov,params"
    arch, jacov, params = row.split(",")
    assert arch == CELLS[3] and jacov == "" and float(params) > 0
    capsys.readouterr()
    assert cli.main(["proxies", "--space", "nb201", *SMALL, "--archs-file", str(archs), "--proxies", "jacov,params",
                     "--data-dir", str(folder)]) == 0  # printed, not written: the undefined score crashed the line
    printed = capsys.readouterr().out
    assert "jacov=undefined (jacov failed" in printed and "no input-output path" in printed and "params=" in printed


def test_a_file_is_continued_and_read_only_with_the_settings_it_was_scored_with(folder, capsys):
    archs, out = scored(folder, CELLS[:2])
    before = out.read_text()
    capsys.readouterr()
    wider = proxies_argv(folder, archs, out, size=["--space-opt", "channels=8", "--space-opt", "cells=1"])
    assert cli.main(wider) == 2
    assert "was scored with channels 4, not channels 8; give the same options" in capsys.readouterr().err
    deeper = proxies_argv(folder, archs, out, size=["--space-opt", "channels=4", "--space-opt", "cells=2"])
    assert cli.main(deeper) == 2  # and the depth
    assert "was scored with cells 1, not cells 2" in capsys.readouterr().err
    assert cli.main(proxies_argv(folder, archs, out) + ["--batch-size", "16"]) == 2  # and the mini-batch
    assert "was scored with batch_size 64, not batch_size 16" in capsys.readouterr().err and out.read_text() == before
    same = ["--space-opt", "cells=1", "--space-opt", "channels=4"]  # the same networks, options in another order
    assert cli.main(proxies_argv(folder, archs, out, size=same)) == 0 and out.read_text() == before
    assert cli.main(proxies_argv(folder, archs, out) + ["--dataset", "CIFAR10"]) == 0  # the same dataset
    # A file stopped before its first row holds its settings and header only: it continues without a second header.
    out.write_text("".join(before.splitlines(keepends=True)[:2]))
    assert proxies(folder, archs) == 0
    assert out.read_text() == before and len(before.splitlines()) == 4
    # A run whose space builds other networks is refused the file rather than mixing scores.
    context = build_context(NB201Space, "cifar10", str(folder), lookup=True)
    with pytest.raises(DataError, match="was scored on networks of another size .* score it again with this run's "
                                        "--space-opt"):
        context.scorer(NB201Space(channels=8, cells=1), "jacov")
    assert len(context.scorer(NB201Space(channels=4, cells=1), "jacov")([NB201Space().parse(CELLS[0])])) == 1
    # The settings line is untrusted input too.
    out.write_text("# nasloop proxies [1, 2]\n" + before.split("\n", 1)[1])
    with pytest.raises(DataError, match="line 1 is not the settings of a proxy file"):
        build_context(NB201Space, "cifar10", str(folder)).stored_proxies(NB201Space(channels=4, cells=1))


def test_a_file_that_cannot_be_checked_or_was_scored_elsewhere_is_refused(folder, capsys):
    """Each was read (and continued) without a word: another network size's scores with no settings line, CIFAR-10
    scores renamed to CIFAR-100's file, an architecture scored twice with other values."""
    archs, out = scored(folder, CELLS[:2])
    before = out.read_text()
    space = NB201Space(channels=4, cells=1)
    out.write_text(before.split("\n", 1)[1])  # the settings line gone
    capsys.readouterr()
    assert proxies(folder, archs) == 2
    assert f"{out} is not a proxy file written by 'nasloop proxies' (it does not begin '# nasloop proxies'), and it " \
           "is left as it is; choose another --out" in capsys.readouterr().err
    with pytest.raises(DataError, match="has no settings line"):
        build_context(NB201Space, "cifar10", str(folder)).stored_proxies(space)
    renamed = folder / "nb201-cifar100-proxies.csv"
    renamed.write_text(before)
    out.unlink()
    with pytest.raises(DataError, match=re.escape(f"{renamed} was scored on cifar10, not cifar100 (its settings "
                                                  "line says so); 'nasloop proxies --dataset cifar100' scores only "
                                                  "proxies that need no images, since nasloop cannot load "
                                                  "cifar100's, or move the file")):  # it advised scoring meco
        build_context(NB201Space, "cifar100", str(folder)).stored_proxies(space)
    first_row = before.splitlines()[2]
    out.write_text(before + first_row.rsplit(",", 1)[0] + ",0.5\n")
    with pytest.raises(DataError, match="line 5 scores .* again, differently from line 3; the file is damaged"):
        build_context(NB201Space, "cifar10", str(folder)).stored_proxies(space)
    out.write_text(before + first_row + "\n")  # the same scores again: harmless
    assert build_context(NB201Space, "cifar10", str(folder)).stored_proxies(space)


@pytest.mark.parametrize("content", [b"abc", b"\x00\xff\xfegarbage\x89PNG", b"\xc3", b"notes\nmore notes",
                                     b"a,b\n1,2\n"])
def test_another_file_given_as_out_is_left_as_it_is(folder, capsys, content):
    """A file without a line end was replaced by the scores (cut to its last line end, then written on), and a
    binary one ending in a line end was advised to be deleted."""
    archs = folder / "archs.txt"
    archs.write_text(CELLS[0] + "\n")
    out = folder / "mine.bin"
    out.write_bytes(content)
    assert cli.main(proxies_argv(folder, archs, out)) == 2
    error = capsys.readouterr().err
    assert f"{out} is not a proxy file written by 'nasloop proxies'" in error and error.count("\n") == 1, error
    assert out.read_bytes() == content


def test_a_second_command_writing_the_same_file_is_refused(folder, capsys):
    """Both would score the rows the file lacks and append them in turn."""
    archs, out = scored(folder, CELLS[:2])
    before = out.read_text()
    archs.write_text("\n".join(CELLS) + "\n")
    capsys.readouterr()
    with out.open("a") as held:  # what a running 'nasloop proxies' holds
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert proxies(folder, archs) == 2
    assert f"{out} is being written by another 'nasloop proxies'; wait for it to finish" in capsys.readouterr().err
    assert out.read_text() == before
    assert proxies(folder, archs) == 0 and len(out.read_text().splitlines()) == 6  # released: it continues


def test_a_row_cut_off_by_a_stopped_run_is_refused_when_read_and_scored_again_when_continued(folder, capsys):
    archs, out = scored(folder, CELLS[:2])
    before = out.read_text()
    out.write_text(before[:-4])  # the last score lost its last digits: it would still read as a number
    context = build_context(NB201Space, "cifar10", str(folder))
    with pytest.raises(DataError, match="line 4 is incomplete .* run the same 'nasloop proxies' command again"):
        context.stored_proxies(NB201Space(channels=4, cells=1))
    capsys.readouterr()
    assert proxies(folder, archs) == 0
    assert "1 architectures scored, 1 already there" in capsys.readouterr().out
    assert out.read_text() == before


def test_the_probe_tells_apart_networks_of_another_depth_even_for_a_whole_space():
    from nasloop.engine.data.proxy_file import ProxyScores, check_network_size, network_probe

    shallow, deep = NB201Space(channels=4, cells=1), NB201Space(channels=4, cells=3)
    probe = network_probe(shallow, list(shallow.enumerate()))  # --all starts with the parameter-free all-none cell
    assert "conv" in probe[0]
    scores = ProxyScores(("params",), {}, {"probe": probe})
    check_network_size("f.csv", scores, shallow)
    with pytest.raises(DataError, match="was scored on networks of another size"):
        check_network_size("f.csv", scores, deep)


def test_comments_in_an_archs_file_are_left_out(folder):
    """A trailing '# comment' was read as part of the architecture, and the line refused."""
    archs = folder / "archs.txt"
    archs.write_text(f"# cells to score\n{CELLS[0]}   # the best of these\n\n  {CELLS[1]}\t# a second\n")
    assert proxies(folder, archs) == 0
    rows = (folder / "nb201-cifar10-proxies.csv").read_text().splitlines()[2:]
    assert [row.split(",")[0] for row in rows] == CELLS[:2]


def test_a_file_renamed_to_another_task_is_told_what_can_score_that_task(tmp_path, data_dir, capsys):
    """A benchmark task was advised 'score room_layout with nasloop proxies --dataset room_layout', which refuses
    every task whose images nasloop does not read; it now scores data-free proxies there, as the advice says. (The
    file is written for CIFAR-10, then renamed.)"""
    from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

    (tmp_path / "transnas101_val.json.gz").symlink_to(data_dir / "transnas101_val.json.gz")
    out = tmp_path / "tnb101-micro-cifar10-proxies.csv"
    assert cli.main(["proxies", "--space", "tnb101-micro", "--dataset", "cifar10", "--sample", "2", "--proxies",
                     "params", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    out.rename(tmp_path / "tnb101-micro-room_layout-proxies.csv")
    with pytest.raises(DataError, match=re.escape("was scored on cifar10, not room_layout (its settings line says "
                                                  "so); score room_layout with 'nasloop proxies --dataset "
                                                  "room_layout', which scores only proxies that need no images")):
        build_context(TNB101MicroSpace, "room_layout", str(tmp_path)).stored_proxies(TNB101MicroSpace())
