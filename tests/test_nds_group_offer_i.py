"""``data import --space nds`` on a renamed NDS file: which spaces it offers."""
from __future__ import annotations

from nasloop.engine import cli

from .nds_fixture import nds_records, write_nds_file


def test_a_renamed_file_of_several_widths_is_not_offered_as_a_fixed_width_table(tmp_path, capsys):
    # It offered nds-darts-fix-w-d too, whose import then refused the file's two widths.
    write_nds_file(tmp_path / "foo.json", nds_records("nds-darts", 3, seed=1))
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "foo.json"), "--out",
                     str(tmp_path / "out")]) == 2
    assert "foo.json could be data of nds-darts or nds-darts-in; say which with --space" in capsys.readouterr().err
    # one width and one depth: the fixed-size table is offered as before
    write_nds_file(tmp_path / "bar.json", nds_records("nds-darts", 2, seed=1, widths=(16,), depths=(5,)))
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "bar.json"), "--out",
                     str(tmp_path / "out")]) == 2
    assert "could be data of nds-darts or nds-darts-fix-w-d or nds-darts-in" in capsys.readouterr().err
