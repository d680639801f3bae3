"""A file-size limit too small for a new run's store is named as the limit by the Python API, as the command names
it: creating the store failed in SQLite's 'disk I/O error', and ``search`` said 'free some space or choose another
--run-dir' on a disk that had plenty. The failed commit takes back what it wrote (the new file is cut back to nothing),
so no file's size could tell the limit; the size the commit needed does."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .limited_children import limited_child

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as Linux has")

SCRIPT = """
import json, sys
import nasloop


config = nasloop.SearchConfig(space="nb201", dataset="cifar10", strategy="random", seed=0, budget=5,
                              run_dir=sys.argv[1], data_dir=sys.argv[2])
try:
    nasloop.search(config)
    said = {"raised": None}
except Exception as exc:
    said = {"raised": type(exc).__name__, "text": str(exc)}
print(json.dumps(said))
"""


def test_a_limit_too_small_for_a_new_store_is_named_as_the_limit(tmp_path, data_dir):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "run"), str(data_dir)], capture_output=True,
                          text=True, timeout=300, **limited_child(16 * 1024))  # a new store's schema needs more
    assert done.returncode == 0, done.stderr[-2000:]
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert said["raised"] == "DataError", said
    assert "file-size limit of 16,384 bytes ('ulimit -f' 16 in bash, 32 in dash)" in said["text"], said
    assert "ulimit -f unlimited" in said["text"] and "free some space" not in said["text"], said  # was 'free space'
    assert not list((tmp_path / "run").glob("nasloop.sqlite*")), said  # no half-made store left
