"""Running ``nasloop`` as a process of its own, for the CLI's tests of what a command says (test_cli_errors,
test_cli_interrupts, test_cli_output): the environment it runs in (conftest's ``settings`` and ``env`` fixtures),
and the one-line error every mistake gets."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest


def command_settings(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    """What a command's environment changes: the data folder, a cache of its own, no inherited warning filters."""
    return {"NASLOOP_DATA": str(data_dir), "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("xdg")),
            "PYTHONWARNINGS": None}


def process_env(settings: dict[str, str | None]) -> dict[str, str]:
    """The environment of a command started as a process."""
    return {name: value for name, value in {**os.environ, **settings}.items() if value is not None}


def nasloop(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def assert_one_line_error(proc: subprocess.CompletedProcess, fragments: list[str]) -> str:
    assert proc.returncode != 0, f"exit 0 for a bad input; stdout: {proc.stdout!r}"
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got: {proc.stderr!r}"
    line = lines[0]
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in: {line}"
    return line


def drawn_on_a_terminal(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """The exit status of the process ``argv`` starts with its stderr a terminal (a pty), and what it drew there."""
    leader, follower = pty.openpty()
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=follower, env=env) as proc:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)
    return proc.returncode, seen
