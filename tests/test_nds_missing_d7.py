"""A missing NDS table names the import that makes it, with the file the space reads."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize("space, published", [("nds-enas-in", "ENAS_in.json"),
                                               ("nds-pnas-fix-w-d", "PNAS_fix-w-d.json")])
def test_a_missing_nds_table_names_the_import_of_its_own_file(tmp_path, monkeypatch, capsys, space, published):
    # It ended "then run 'nasloop data import --space nds <Family>.json'": a placeholder to fill in from the
    # file named earlier in the line, where the command can be given whole.
    monkeypatch.delenv("NASLOOP_DATA", raising=False)
    assert main(["search", "--space", space, "--data-dir", str(tmp_path), "--budget", "3"]) == 2
    message = one_line(capsys.readouterr().err.strip(), f"'nasloop data import --space nds {published}'")
    assert "<Family>" not in message
