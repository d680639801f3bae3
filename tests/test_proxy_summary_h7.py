"""'nasloop proxies --out FILE' adding a proxy to a file says which proxies went to how many of the architectures the
file held, and how many architectures were new to it.

It said 'nwot added to the 2 architectures it held; 2 architectures scored, 0 already there': the held
architectures, which gained one proxy, counted as scored, and nothing said how many were new.
"""
from __future__ import annotations

import pytest

from nasloop.engine import cli

from .test_proxy_precompute import CELLS, proxies_argv

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_adding_a_proxy_says_how_many_held_architectures_gained_it_and_how_many_were_new(image_table_folder,
                                                                                          capsys):
    archs, out = image_table_folder / "archs.txt", image_table_folder / "nb201-cifar10-proxies.csv"
    archs.write_text("\n".join(CELLS[:3]) + "\n")
    assert cli.main(proxies_argv(image_table_folder, archs, out)) == 0  # params, jacov for three cells
    assert capsys.readouterr().out.startswith(f"{out}: 3 architectures scored, 0 already there")
    archs.write_text("\n".join(CELLS) + "\n")  # the three and one more
    argv = proxies_argv(image_table_folder, archs, out)
    argv[argv.index("params,jacov")] = "params,jacov,synflow"
    assert cli.main(argv) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"{out}: synflow added to the 3 architectures the file held, and 1 architectures new to "
                           "it scored with every proxy"), said
    assert "already there" not in said
    lines = out.read_text().splitlines()
    assert lines[1] == "arch,params,jacov,synflow" and len(lines) == 6  # settings, header, the four
