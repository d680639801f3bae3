"""The digest of the code keying a run's stored hashes (``engine/key_code.py``) reads the package's modules only,
and gives none where it cannot read them. It read every ``.py`` under the package's folder, and README's install
puts ``.venv`` there: 12,000 files, 0.9 s a command, its digest changed by any ``pip install``. Imported from a
zip it read nothing and gave every nasloop one digest, so a resume after an upgrade trusted the older keys."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nasloop

PACKAGE = Path(nasloop.__file__).parent
DIGEST = ("from nasloop.engine.key_code import key_code; from nasloop.search_spaces.nb201 import NB201Space; "
          "print(key_code(NB201Space(), 'exact'))")


def _digest(path: Path) -> str:
    """The key code of NB201's exact hash computed by the nasloop found on ``path`` (a folder or a zip)."""
    done = subprocess.run([sys.executable, "-c", DIGEST], env={"PYTHONPATH": str(path), "PATH": ""}, cwd=path.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _copy(to: Path) -> Path:
    shutil.copytree(PACKAGE, to / "nasloop", ignore=shutil.ignore_patterns("tests", "__pycache__", ".*"))
    return to / "nasloop"


def test_a_virtual_environment_in_the_checkout_is_not_part_of_the_digest(tmp_path):
    package = _copy(tmp_path / "checkout")
    before = _digest(tmp_path / "checkout")
    (package / ".venv" / "lib").mkdir(parents=True)
    (package / ".venv" / "lib" / "installed.py").write_text("VERSION = 2\n")
    assert _digest(tmp_path / "checkout") == before != "None"
    (package / "engine" / "key_code.py").write_text((package / "engine" / "key_code.py").read_text() + "\n# edit\n")
    assert _digest(tmp_path / "checkout") != before  # the package's own module is read


def test_nasloop_imported_from_a_zip_trusts_no_stored_key(tmp_path):
    package = _copy(tmp_path / "checkout")
    archive = tmp_path / "nasloop.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(package.rglob("*.py")):
            out.write(path, path.relative_to(package.parent).as_posix())
    assert _digest(archive) == "None"


def test_an_editors_dangling_lock_link_in_the_package_is_no_module_to_read(tmp_path):
    """Emacs marks a file being edited with a link '.#NAME' to nowhere: read as a module, every search of the
    checkout stopped ('cannot access .../engine/.#key_code.py: mend that first')."""
    package = _copy(tmp_path / "checkout")
    before = _digest(tmp_path / "checkout")
    (package / "engine" / ".#key_code.py").symlink_to("user@host.4242:1700000000")
    assert _digest(tmp_path / "checkout") == before != "None"
