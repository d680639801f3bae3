"""A Ctrl-C held during an import that then fails still stops the command as interrupted.

nasloop holds a Ctrl-C while it imports a plugin file or a library (engine/held_imports.py) and raises it once the
import is done. Where the import itself then raised (a library the plugin file imports is not installed), the held
Ctrl-C was dropped: the command ended in the import's error alone, exit 2, as if the user had not pressed it. Both
orders are checked: the Ctrl-C lands before the import fails, and while its failure is on its way out.
"""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .real_ctrl_c import sigint_as_a_terminal_gives_it

_IMPORTS = {
    "ctrl-c-then-failure": "os.kill(os.getpid(), signal.SIGINT)\nimport d16_library_not_installed\n",
    "failure-then-ctrl-c": ("try:\n    import d16_library_not_installed\nexcept ImportError:\n"
                            "    os.kill(os.getpid(), signal.SIGINT)\n    raise\n"),
    "no-ctrl-c": "import d16_library_not_installed\n",
}
_INTERRUPTED = "nasloop search: interrupted; nothing was evaluated yet: run the same command again"
_NOT_INSTALLED = ("nasloop search: error: plugin {file} imports 'd16_library_not_installed', which is not installed "
                  "here; install the package that provides it (pip install ...), or remove the import from the file")


def _search_with_plugin(tmp_path: Path, env: dict[str, str], body: str) -> subprocess.CompletedProcess:
    plugin = tmp_path / "d16_plugin.py"
    plugin.write_text("import os\nimport signal\n\n" + body)
    argv = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", str(plugin), "search", "--space", "nb201",
            "--budget", "5", "--run-dir", str(tmp_path / "run")]
    return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=sigint_as_a_terminal_gives_it)


@pytest.mark.parametrize("order", ["ctrl-c-then-failure", "failure-then-ctrl-c"])
def test_a_ctrl_c_held_while_a_plugins_import_fails_stops_the_command_as_interrupted(tmp_path, env, order):
    proc = _search_with_plugin(tmp_path, env, _IMPORTS[order])
    assert proc.returncode == 128 + signal.SIGINT, proc.stderr  # before: 2, the import's error alone
    assert proc.stderr.splitlines() == [_INTERRUPTED]
    assert not (tmp_path / "run").exists()


def test_the_failed_import_alone_is_still_its_own_error(tmp_path, env):
    proc = _search_with_plugin(tmp_path, env, _IMPORTS["no-ctrl-c"])
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [_NOT_INSTALLED.format(file=tmp_path / "d16_plugin.py")]
