"""A trial's checkpoint is streamed to its file, not serialised into memory first: that held a second copy of the
weights and momentum in RAM at every epoch's end (112 MB more for a 100 MB state), where the trained network and its
optimizer already fill it. Its write still fails as the OSError naming the cause (test_checkpoint_write_f7)."""
from __future__ import annotations

import tracemalloc

import torch

from nasloop.engine.evaluators.checkpoint_write import write_checkpoint

STATE_BYTES = 16_000_000


def test_a_checkpoint_is_written_without_a_copy_of_it_in_memory(tmp_path):
    state = {"model": {"weight": torch.arange(STATE_BYTES // 4, dtype=torch.float32)}, "epoch": 3}
    tracemalloc.start()  # traces Python's allocations (a bytes buffer), not the tensor's own storage
    try:
        write_checkpoint(tmp_path / "trial" / "last.pt", state)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < STATE_BYTES / 8, f"{peak:,} bytes held while writing a {STATE_BYTES:,}-byte state"
    loaded = torch.load(tmp_path / "trial" / "last.pt", weights_only=True)
    assert loaded["epoch"] == 3 and torch.equal(loaded["model"]["weight"], state["model"]["weight"])
    assert [p.name for p in (tmp_path / "trial").iterdir()] == ["last.pt"]  # no partial file left beside it
