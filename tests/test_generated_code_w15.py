"""A FLAN network built once torch-geometric has generated its convolutions' code leaves the temp folder alone.

To keep torch-geometric's generated files out of /tmp, nasloop points the process's temp folder (``tempfile.tempdir``,
process-wide) at a scratch folder while FLAN builds, and removes that folder after. It did so on every build (each
member of an ensemble, each fit), though only a process's first build writes code: a temp file or folder that
another thread made in that window (a user's, in a notebook, beside a predictor's fit) landed in the scratch folder
and was removed with it. A later build now makes no scratch folder and leaves the temp folder as it is."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys, tempfile
from nasloop.predictors.flan_network import FlanNet

FlanNet(vocab_size=5, features=0, op_dim=8, hidden=8, time_steps=2)  # the first build: torch-geometric's code
seen = []

def temp_folders(event, args):
    if event == "tempfile.mkdtemp" or (event == "os.listdir" and str(args[0]) == tempfile.gettempdir()):
        seen.append([event, str(args[0]), tempfile.gettempdir()])

sys.addaudithook(temp_folders)
FlanNet(vocab_size=5, features=0, op_dim=8, hidden=8, time_steps=2)
print(json.dumps(seen))
"""


def test_a_later_build_makes_no_scratch_folder(tmp_path):
    env = {"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == [], seen  # was: the temp folder listed, a scratch folder made in it
