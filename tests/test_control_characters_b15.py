"""A path a user gives with a newline (or another control character) in it stays inside the one line that quotes it:
NASLOOP_DATA=$'/tmp/a\\nb' split search's 'not found' line over two, as did --data-dir's 'does not exist' and show's
'no nasloop run at'. The CLI writes each control character as Python's repr does (engine/errors.py printable)."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize("odd", ["a\nb", "a\rb", "a\x1b[2Jb", "a\x85b"])
def test_a_control_character_in_a_given_path_keeps_the_error_on_one_line(odd, tmp_path, monkeypatch, capsys):
    folder = tmp_path / odd
    shown = repr(str(folder))[1:-1]
    monkeypatch.setenv("NASLOOP_DATA", str(folder))
    run = ["search", "--space", "nb201", "--budget", "3", "--run-dir", str(tmp_path / "run")]
    for argv, said in ((run, "not found"), ([*run, "--data-dir", str(folder)], "does not exist"),
                       (["show", str(folder)], "no nasloop run at")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        lines = err.splitlines()
        assert len(lines) == 1 and err.endswith("\n") and said in err and shown in err, repr(err)
        assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in lines[0]), repr(err)
