"""Building FLAN leaves none of torch-geometric's generated code files in the temp folder.

torch-geometric renders each MessagePassing class's propagate (and GAT's edge_updater) into a new temporary file in
every process and keeps it: each process that built FLAN left three files in /tmp, hundreds after a test run.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile

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
    left = sorted(p.name for p in tmp_path.rglob("*") if "_propagate" in p.name or "_edge_updater" in p.name)
    assert left == [], left  # torch's own cache folders (torchinductor_<user>) are not FLAN's to remove


def test_files_outside_the_temp_folder_are_not_touched():
    """Only a generated module whose file lies in the temp folder is removed; this module's own is not."""
    from nasloop.predictors import flan_network

    flan_network.remove_generated_sources(flan_network.GatedFlowConv)
    assert tempfile.gettempdir() not in flan_network.__file__
    assert __import__("pathlib").Path(flan_network.__file__).is_file()
