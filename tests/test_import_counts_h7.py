"""'nasloop data import' writes its counts as every other message does, with the thousands separator: it said
'wrote nb201.npz (15625 architectures; ...)' and an NDS file's '1200 trained networks', where other
messages (and the README) write 15,625."""
from __future__ import annotations

import pytest

from nasloop.engine import cli

from .nds_fixture import nds_records, write_nds_file

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_the_table_written_names_its_architectures_with_the_separator(tmp_path, nb201_csv_path, capsys):
    assert cli.main(["data", "import", "--space", "nb201", str(nb201_csv_path), "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "(15,625 architectures; from nasbench201_all.csv.gz)" in said, said


def test_an_nds_files_networks_are_counted_with_the_separator(tmp_path, capsys):
    """1,200 runs of 4 networks (a thousand distinct ones take the fixture a quarter of a minute to draw)."""
    source = write_nds_file(tmp_path / "DARTS.json", nds_records("nds-darts", 4, seed=0) * 300)
    assert cli.main(["data", "import", "--space", "nds", str(source), "--out", str(tmp_path / "out")]) == 0
    said = capsys.readouterr().out
    assert "(4 architectures; from DARTS.json; 1,200 trained networks, 4 distinct" in said, said
