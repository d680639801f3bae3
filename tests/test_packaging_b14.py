"""A subpackage added to the checkout ships in the wheel without an edit to setup.cfg.

setup.cfg listed the packages by hand: a new folder with an ``__init__.py`` was left out of the wheel (its imports
failed only once installed, never in the editable checkout the tests run from). And the build script, which sits in
the package's own folder (the repository root), is no module of the installed package.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from .source_checkout import REPO_ROOT, source_files

BUILD = "import sys\nfrom setuptools import build_meta\nprint(build_meta.build_wheel(sys.argv[1]))"


def test_a_new_subpackage_ships_and_tests_and_the_build_script_do_not(tmp_path):
    source = tmp_path / "nasloop"
    for name in source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, source / name)
    added = source / "engine" / "added_b14"  # a subpackage a contributor adds, setup.cfg untouched
    added.mkdir()
    (added / "__init__.py").write_text('"""A new subpackage."""\n')
    (added / "part.py").write_text('"""One of its modules."""\nVALUE = 1\n')
    (source / "tests" / "__init__.py").write_text("")  # tests made a package stay out all the same
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=source, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    with zipfile.ZipFile(out / done.stdout.strip().splitlines()[-1]) as archive:
        names = set(archive.namelist())
    assert {"nasloop/engine/added_b14/__init__.py", "nasloop/engine/added_b14/part.py"} <= names, sorted(names)
    assert "nasloop/engine/cli_entry.py" in names and "nasloop/setup.py" not in names
    assert not [name for name in names if name.startswith(("nasloop/tests/", "nasloop/benchmarks/",
                                                            "nasloop/examples/"))]
