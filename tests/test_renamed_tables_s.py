"""Another benchmark's file under the TransNAS, NB301 or NDS file's name is named for what it is, as NB201's and
NB101's are.

The NB201 CSV saved as ``transnas101_val.json.gz`` or ``zc_proxies_partial.json.gz`` was called 'corrupt or
truncated, fetch it again', sending the user to download a file they had; NB101's JSON there was 'not the
TransNAS-Bench-101 JSON' or 'not zc_proxies_partial.json.gz' with no word of what it was.
"""
from __future__ import annotations

import shutil

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

READ_AS = {"tnb101-micro": "transnas101_val.json.gz", "tnb101-macro": "transnas101_val.json.gz",
           "darts": "zc_proxies_partial.json.gz", "nds-darts": "DARTS.json.gz"}
OTHERS = {"nasbench201_all.csv.gz": "it is the compact NB201 CSV, data of the nb201 benchmark",
          "nasbench101_30k.json.gz": "data of the nb101 benchmark"}


@pytest.mark.parametrize("other", sorted(OTHERS))
@pytest.mark.parametrize("space", sorted(READ_AS))
def test_another_benchmarks_file_under_the_name_a_space_reads_is_named_as_such(tmp_path, data_dir, capsys, space,
                                                                                other):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(data_dir / other, folder / READ_AS[space])
    argv = ["search", "--space", space, "--budget", "3", "--quiet", "--data-dir", str(folder),
            "--run-dir", str(tmp_path / "run")]
    assert main(argv) == 2
    message = one_line(capsys.readouterr().err.strip(), folder / READ_AS[space], OTHERS[other],
                       "replace it with one of those")
    assert "corrupt" not in message and "fetch it again" not in message


@pytest.mark.parametrize("space", sorted(set(READ_AS) - {"nds-darts"}))  # NDS's files are not shipped
def test_the_spaces_own_file_is_still_read(tmp_path, data_dir, capsys, space):
    assert main(["search", "--space", space, "--budget", "3", "--quiet", "--data-dir", str(data_dir),
                 "--run-dir", str(tmp_path / "run"), "--json"]) == 0
    assert '"evaluations": 3' in capsys.readouterr().out
