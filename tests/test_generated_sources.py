"""Building FLAN leaves none of torch-geometric's generated code files in the temp folder.

torch-geometric renders each MessagePassing class's propagate (and GAT's edge_updater) into a new temporary file in
every process and keeps it: each process that built FLAN left three files in /tmp, hundreds after a test run.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = """
import sys, tempfile
import torch
from torch_geometric.data import Batch, Data
from nasloop.predictors.flan_network import FlanNet

folder = sys.argv[1]
assert tempfile.gettempdir() == folder
net = FlanNet(vocab_size=5, features=0, op_dim=8, hidden=8, time_steps=2)
graph = Data(x=torch.tensor([0, 1, 2]), edge_index=torch.tensor([[0, 1], [1, 2]]), depth=torch.tensor(2))
batch = Batch.from_data_list([graph, graph])
print(net(batch, torch.zeros(2, 0)).shape[0])  # the generated code still runs once its file is gone
FlanNet(vocab_size=5, features=0, op_dim=8, hidden=8, time_steps=2)  # a second network: nothing new is written
"""


def test_building_and_running_flan_leaves_no_generated_files(tmp_path):
    env = {"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"
    left = sorted(p.name for p in tmp_path.rglob("*")
                  if "_propagate" in p.name or "_edge_updater" in p.name or p.name.startswith("nasloop-generated-"))
    assert left == [], left  # torch's own cache folders (torchinductor_<user>) are not FLAN's to remove


def test_the_temp_folder_is_the_process_s_own_again_after_a_build():
    """torch-geometric's files go to a scratch folder given as the temp folder while FLAN builds (nasloop's
    predictors/generated_code.py); the process's temp folder is its own again afterwards, the scratch folder gone."""
    from nasloop.predictors.flan_network import FlanNet

    before = tempfile.gettempdir()
    FlanNet(vocab_size=5, features=0, op_dim=8, hidden=8, time_steps=2)
    assert tempfile.gettempdir() == before
    assert not list(Path(before).glob(f"nasloop-generated-*.{os.getpid()}-*"))
