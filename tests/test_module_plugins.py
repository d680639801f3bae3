"""A plugin named as a module (``--plugin my_pkg.spaces``) of a package in the project folder, not installed."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SPACES = textwrap.dedent("""
    from nasloop.engine.registry import register_search_space
    from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

    @register_search_space("pkg-micro")
    class PkgMicro(TNB101MicroSpace):
        name = "pkg-micro"
""")


def nasloop(*args: str, cwd: Path, data_dir: Path) -> subprocess.CompletedProcess:
    """The ``nasloop`` command as installed: ``-P`` keeps the current folder off the import path, as the console
    script does (its path starts with the script's own folder); ``python -m`` alone would put it there."""
    return subprocess.run([sys.executable, "-P", "-m", "nasloop.engine.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NASLOOP_DATA": str(data_dir)})


def test_a_package_in_the_project_folder_is_a_plugin_and_a_resume_elsewhere_finds_it(tmp_path: Path,
                                                                                      data_dir: Path) -> None:
    """The README's 'Load it without packaging: ... (or --plugin my_pkg.spaces ...)' failed with the command as
    installed ("plugin module 'my_pkg_t.spaces' cannot be imported (No module named 'my_pkg_t')"), and so did
    every resume of such a run from another folder, although the run records the folder it started in."""
    project = tmp_path / "project"
    (project / "my_pkg_t").mkdir(parents=True)
    (project / "my_pkg_t" / "__init__.py").write_text("")
    (project / "my_pkg_t" / "spaces.py").write_text(SPACES)
    out = nasloop("--plugin", "my_pkg_t.spaces", "search", "--space", "pkg-micro", "--budget", "3", "--run-dir",
                  "run", "--quiet", "--json", cwd=project, data_dir=data_dir)
    assert out.returncode == 0 and '"space": "pkg-micro"' in out.stdout, out.stderr
    (tmp_path / "elsewhere").mkdir()
    out = nasloop("search", "--resume", "../project/run", "--budget", "5", "--quiet", "--json",
                  cwd=tmp_path / "elsewhere", data_dir=data_dir)
    assert out.returncode == 0 and '"evaluations": 5' in out.stdout, out.stderr
    out = nasloop("--plugin", "my_pkg_t.nowhere", "spaces", cwd=project, data_dir=data_dir)
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert "plugin module 'my_pkg_t.nowhere' cannot be imported" in out.stderr
