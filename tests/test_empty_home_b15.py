"""``HOME=''``: Python (as the shell) expands ``~/data`` to ``/data``, while nasloop's own folders (the cache) are
in the password database's home (engine/user_dirs.py), so one command read NASLOOP_DATA='~/data' as /data and
cached in /root/.cache/nasloop. A ``~`` in a path is now refused in one line where $HOME is set but not absolute,
and a ``~`` in $XDG_CACHE_HOME is not the root's either."""
from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.engine.store import RunStore
from nasloop.engine.user_dirs import expand_user, user_folder

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_a_tilde_under_a_home_that_is_no_full_path_is_one_line(home, monkeypatch, capsys):
    monkeypatch.setenv("HOME", home)
    monkeypatch.setenv("NASLOOP_DATA", "~/data")
    assert main(["search", "--space", "nb201", "--budget", "3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"'~/data' starts with ~, but $HOME is {home!r}" in err, err
    with pytest.raises(SystemExit) as refused:  # an argument's refusal, argparse's way
        main(["show", "~/runs/x"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and err.count("\n") == 1 and "'~/runs/x' starts with ~" in err, err
    with pytest.raises(ConfigError, match="starts with ~"):  # the Python API's way to a run
        RunStore.in_run_dir("~/runs/x")


def test_the_cache_under_an_empty_home_is_never_the_roots(monkeypatch):
    monkeypatch.setenv("HOME", "")
    monkeypatch.setenv("XDG_CACHE_HOME", "~/cache")
    folder = user_folder("XDG_CACHE_HOME", ".cache")
    assert folder is None or folder == Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "nasloop"


def test_a_full_home_and_another_users_home_expand_as_before(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert expand_user("~/data") == tmp_path / "data"
    me = pwd.getpwuid(os.getuid())
    monkeypatch.setenv("HOME", "")
    assert expand_user(f"~{me.pw_name}/data") == Path(me.pw_dir) / "data"
