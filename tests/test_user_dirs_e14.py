"""The per-user folders from the settings a user's environment gives: a relative ``$XDG_CACHE_HOME`` or
``$XDG_CONFIG_HOME`` put the cache, and the plugin-signing secret, in the folder a command ran in; ``~`` in them was
a folder named ``~`` there; ``NASLOOP_DATA='~/data'`` had ``data import`` write ./~/data, where searches never
looked; and a ``~`` that names no home folder was an unexpected RuntimeError."""
from __future__ import annotations

import pytest

from nasloop.engine import plugin_trust
from nasloop.engine.cli import main
from nasloop.engine.data.paths import search_dirs, user_cache_dir
from nasloop.search_spaces.nb201.importers import CSV_FILE, import_csv


@pytest.fixture
def home(tmp_path, monkeypatch, isolated_cache):
    """A home folder of the test's own, and a current folder apart from it."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path / "home"


@pytest.mark.parametrize("variable", ["relative", "./relative", "~/xdg"])
def test_the_cache_folder_is_never_in_the_folder_a_command_runs_in(home, monkeypatch, tmp_path, data_dir, variable):
    monkeypatch.setenv("XDG_CACHE_HOME", variable)
    import_csv(data_dir / CSV_FILE)  # keeps its parsed columns in the cache folder
    assert list((tmp_path / "work").iterdir()) == []  # was ./relative/nasloop/parsed, ./~/xdg/nasloop/parsed
    cache = home / "xdg" / "nasloop" if variable.startswith("~") else home / ".cache" / "nasloop"
    assert user_cache_dir() == cache and search_dirs()[-1] == cache
    assert [entry.suffix for entry in (cache / "parsed").iterdir()] == [".npz"]


def test_an_empty_or_relative_home_is_no_home(home, monkeypatch):
    for value in ("", "relative"):
        monkeypatch.setenv("HOME", value)
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        assert user_cache_dir() is None or user_cache_dir().is_absolute()  # the password database's, or none


def test_the_signing_secret_is_never_made_in_the_folder_a_command_runs_in(home, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", "config")
    assert plugin_trust.sign({"plugins": ["mine.py"], "workdir": str(tmp_path), "run_dir": None}) is not None
    assert list((tmp_path / "work").iterdir()) == []  # was ./config/nasloop/plugin_signing_key
    assert (home / ".config" / "nasloop" / "plugin_signing_key").is_file()


def test_data_import_writes_where_searches_look_for_a_nasloop_data_with_a_tilde(home, monkeypatch, tmp_path,
                                                                                data_dir, capsys):
    monkeypatch.setenv("NASLOOP_DATA", "~/nasdata")
    (home / "nasdata").mkdir()
    assert main(["data", "import", "--space", "nb201", str(data_dir / CSV_FILE)]) in (None, 0)
    assert (home / "nasdata" / "nb201.npz").is_file() and list((tmp_path / "work").iterdir()) == []
    assert str(home / "nasdata" / "nb201.npz") in capsys.readouterr().out
    assert search_dirs()[0] == home / "nasdata"


def test_a_tilde_naming_no_home_folder_is_one_line(home, capsys):
    code = main(["search", "--space", "nb201", "--budget", "2", "--data-dir", "~nosuchuser_e14/data",
                 "--run-dir", "run"])
    err = capsys.readouterr().err
    assert code == 2 and "RuntimeError" not in err and "Traceback" not in err
    assert "'~nosuchuser_e14/data' starts with ~, but there is no user 'nosuchuser_e14' here; give the full" in err
