"""The Python API names the file-size limit as the command does: a script's ``nasloop.search`` past ``ulimit -f``
raised SQLite's bare 'disk I/O error', since only the command noted the kernel's SIGXFSZ (a library must not own a
process's signal handlers). The API now raises EFBIG naming the limit, and leaves the caller's signal handling as it
was: SIGXFSZ still ignored, and blocked neither while the search runs (the store's file sizes tell the limit) nor
once it has returned."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .limited_children import limited_child

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE and SIGXFSZ as Linux has")

SCRIPT = """
import errno, json, signal, sys
import nasloop

config = nasloop.SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", seed=0, budget=100,
                              run_dir=sys.argv[1], data_dir=sys.argv[2])
during = set()
try:
    nasloop.search(config, on_progress=lambda *_: during.add(signal.SIGXFSZ in signal.pthread_sigmask(
        signal.SIG_BLOCK, set())))
    said = {"raised": None}
except Exception as exc:
    said = {"raised": type(exc).__name__, "errno": getattr(exc, "errno", None), "text": str(exc)}
said["ignored"] = signal.getsignal(signal.SIGXFSZ) is signal.SIG_IGN
said["blocked"] = signal.SIGXFSZ in signal.pthread_sigmask(signal.SIG_BLOCK, set())
said["blocked_during"] = sorted(during)
print(json.dumps(said))
"""


def test_a_search_past_the_file_size_limit_names_the_limit(tmp_path, data_dir):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "run"), str(data_dir)], capture_output=True,
                          text=True, timeout=300, **limited_child(120 * 1024))
    assert done.returncode == 0, done.stderr[-2000:]
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert said["raised"] == "OSError" and said["errno"] == 27, said  # was sqlite3.OperationalError: disk I/O error
    assert "file-size limit of 122,880 bytes ('ulimit -f' 120 in bash, 240 in dash)" in said["text"], said
    assert "ulimit -f unlimited" in said["text"] and "disk I/O error" in said["text"], said
    assert said["ignored"] and not said["blocked"] and said["blocked_during"] == [False], said  # nothing blocked
