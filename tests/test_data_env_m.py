"""$NASLOOP_DATA naming no folder: the missing-file line says so, not only that it looked there."""
from __future__ import annotations

import pytest

from nasloop.engine.data.paths import ENV_VAR, find_file
from nasloop.engine.errors import MissingDataError

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_mistyped_nasloop_data_is_named_as_no_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "dta"))
    with pytest.raises(MissingDataError) as err:
        find_file(("x.npz",), tmp_path, "get x")
    one_line(str(err.value), f"{tmp_path / 'dta'} ($NASLOOP_DATA, which does not exist)", "get x")
    (tmp_path / "file").write_text("")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "file"))
    with pytest.raises(MissingDataError) as err:
        find_file(("x.npz",), None, "get x")
    one_line(str(err.value), f"{tmp_path / 'file'} ($NASLOOP_DATA, not a folder)")


def test_an_existing_nasloop_data_and_the_new_cache_are_listed_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    with pytest.raises(MissingDataError) as err:
        find_file(("x.npz",), None, "get x")
    assert "does not exist" not in str(err.value) and f"looked in {tmp_path}, " in str(err.value)
