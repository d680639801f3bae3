"""Under a memory limit the command's imports are made first in a child (engine/start_fits.py): that child ran
``python -c``, which puts the current folder first on the module path, so a ``resource.py`` (or ``numpy.py``) in the
folder a user ran ``nasloop`` in was run by every command under ``ulimit -v``, where the command itself never
imports from there. The child now imports from this process's own module path.
"""
from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux counts it")
LIMIT = 16 * 1024 ** 3
"""Far above what the imports need: the child runs them, the command starts."""


def test_a_module_in_the_current_folder_is_not_run_under_a_memory_limit(tmp_path: Path):
    here, scripts = tmp_path / "work", tmp_path / "bin"
    here.mkdir()
    scripts.mkdir()
    marker = tmp_path / "ran"
    (here / "resource.py").write_text(f"open({str(marker)!r}, 'w').write('the current folder ran')\n")
    script = scripts / "nasloop"  # as the console script starts the command: its own folder first, not the cwd
    script.write_text("import sys\nfrom nasloop.engine.cli_entry import main\nsys.exit(main())\n")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, resource.RLIM_INFINITY))

    done = subprocess.run([sys.executable, str(script), "--version"], cwd=here, capture_output=True, text=True,
                          preexec_fn=limited, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("nasloop "), done.stderr[-2000:]
    assert not marker.exists()
