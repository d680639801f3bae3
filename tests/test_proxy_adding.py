"""A precomputed proxy file gains proxies: the scores it holds are copied, only the new ones are scored.

``nasloop proxies --proxies meco,swap --out FILE`` on a file of MeCo's scores was refused ("holds proxies meco, not
meco, swap"), so a fourteenth proxy meant scoring all fourteen again into a file of their own, or joining files by
hand. The file now gains the others, through a copy that a stopped command continues and that takes its place once
every row is in.
"""
from __future__ import annotations

import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.config import construct
from nasloop.engine.errors import ConfigError
from nasloop.engine.evaluators.proxies import score_architectures
from nasloop.engine.proxy_precompute import precompute
from nasloop.engine.registry import EXECUTORS
from nasloop.search_spaces.nb201 import NB201Space

from .test_proxy_precompute import CELLS, proxies_argv

pytestmark = pytest.mark.usefixtures("isolated_cache")
SPACE = {"channels": 4, "cells": 1}


@pytest.fixture()
def held(image_table_folder):
    """A file of params and jacov for the first three cells, one params score marked by hand: a copied score keeps
    the mark, a recomputed one would not."""
    archs = image_table_folder / "archs.txt"
    archs.write_text("\n".join(CELLS[:3]) + "\n")
    out = image_table_folder / "nb201-cifar10-proxies.csv"
    assert cli.main(proxies_argv(image_table_folder, archs, out)) == 0
    lines = out.read_text().splitlines()
    text, params, jacov = lines[2].split(",")
    lines[2] = f"{text},12345.0,{jacov}"
    out.write_text("\n".join(lines) + "\n")
    return out


def _add(folder, out, cells, on_row=None):
    space = NB201Space(**SPACE)
    with construct("executor", "inprocess", EXECUTORS.get("inprocess")) as executor:
        return precompute(space, [space.parse(c) for c in cells], ["params", "jacov", "synflow"], out,
                          build_context(NB201Space, "cifar10", str(folder)), executor, on_row=on_row,
                          space_options=SPACE)


def test_a_file_gains_a_proxy_and_keeps_the_scores_it_held(image_table_folder, held):
    before = held.read_text().splitlines()
    summary = _add(image_table_folder, held, CELLS)  # the three it holds, and one more
    assert summary["added"] == ["synflow"] and summary["held"] == 3 and summary["scored"] == 4
    lines = held.read_text().splitlines()
    assert lines[0] == before[0] and lines[1] == "arch,params,jacov,synflow" and len(lines) == 6
    rows = {line.split(",")[0]: line.split(",")[1:] for line in lines[2:]}
    for line in before[2:]:  # copied as written, the marked params score included
        text, *scores = line.split(",")
        assert rows[text][:2] == scores
    space = NB201Space(**SPACE)
    direct = score_architectures(space, [space.parse(c) for c in CELLS], ["synflow"], data_dir=image_table_folder)
    assert [float(rows[space.format(space.parse(c))][2]) for c in CELLS[:3]] == pytest.approx(
        [r["scores"]["synflow"] for r in direct[:3]])
    assert not held.with_name(held.name + ".adding").exists()


def test_adding_a_proxy_lists_every_architecture_the_file_holds(image_table_folder, held):
    before = held.read_text()
    with pytest.raises(ConfigError, match="holds params, jacov for 3 architectures, and adding synflow scores it for "
                                          "each of them, 1 of which this command does not list .* give --all"):
        _add(image_table_folder, held, CELLS[:2])
    assert held.read_text() == before


def test_a_stopped_command_leaves_the_file_as_it_was_and_continues_the_copy(image_table_folder, held):
    before = held.read_text()

    def stop(_text: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _add(image_table_folder, held, CELLS[:3], on_row=stop)
    copy = held.with_name(held.name + ".adding")
    assert held.read_text() == before and len(copy.read_text().splitlines()) == 3  # settings, header, one row
    summary = _add(image_table_folder, held, CELLS[:3])
    assert summary["skipped"] == 1 and summary["scored"] == 2 and not copy.exists()
    assert held.read_text().splitlines()[1] == "arch,params,jacov,synflow" and "12345.0" in held.read_text()
