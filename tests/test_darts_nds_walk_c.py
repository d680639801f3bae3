"""A researcher's walk over the DARTS and NDS spaces: hostile NDS files, hashes of isomorphic cells."""
from __future__ import annotations

import json

import pytest

from nasloop.engine import cli
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.registry import SEARCH_SPACES

from .nds_fixture import nds_records, write_nds_file


def test_an_nds_file_with_an_integer_of_thousands_of_digits_is_named_as_unreadable(tmp_path, capsys):
    """Python refuses to convert an integer of over 4,300 digits; the reader called that an unexpected ValueError
    with a traceback file instead of an unreadable NDS file."""
    text = json.dumps(nds_records("nds-darts", 3, seed=5))
    (tmp_path / "DARTS.json").write_text(text.replace('"params": ', '"params": ' + "9" * 5000 + ', "x": ', 1))
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "DARTS.json is not readable NDS JSON (ValueError: Exceeds the limit" in error and "unexpected" not in error
    assert error.count("\n") == 1


def test_an_input_past_floats_range_is_named_not_an_overflow(tmp_path, capsys):
    """An input of 10**400 was shown as a float, which raised OverflowError, from a file and from parse."""
    records = nds_records("nds-darts", 3, seed=6)
    records[1]["net"]["genotype"]["normal"][0][1] = 10**400
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "DARTS.json record 1: node 0 of the normal cell reads input about 10^400; it may read 0..1" in error
    space = SEARCH_SPACES.get("nds-darts")(widths=[8, 16], depths=[4, 5])
    with pytest.raises(ArchitectureError, match="reads input about 10\\^400"):
        space.parse(json.dumps(records[1]["net"]))
