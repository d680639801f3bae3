"""What ``predictors pretrain`` leaves under --out, and the pretrained files it refuses to read."""
from __future__ import annotations

import pytest

from nasloop.predictors.flan_transfer import load_pretrained, pretrain

TINY = {"ensemble": 1, "steps": 2}


def test_an_interrupted_chain_leaves_out_as_it_was(tmp_path, data_dir, pretrained):
    """Each space of a chain was saved to --out so the next could start from it: a run stopped after the first
    space left a valid file of that space alone under the final name (and, with --overwrite, the previous file
    was already gone). Now only the last space writes --out, at once."""
    def stop_after_the_first(name: str, cells: int) -> None:
        raise KeyboardInterrupt  # what Ctrl-C (or the CLI's SIGTERM handler) raises between two spaces

    out = tmp_path / "chain.pt"
    kwargs = dict(train_size=8, data_dir=str(data_dir), predictor_options=TINY, on_space=stop_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        pretrain(["nb101", "tnb101-micro"], out, **kwargs)
    assert not out.exists() and not list(tmp_path.iterdir())
    out.write_bytes(pretrained.read_bytes())  # a previous file, replaced only by a finished pretrain
    with pytest.raises(KeyboardInterrupt):
        pretrain(["nb101", "tnb101-micro"], out, overwrite=True, **kwargs)
    assert out.read_bytes() == pretrained.read_bytes()
    summary = pretrain(["nb101", "tnb101-micro"], out, overwrite=True, train_size=8, data_dir=str(data_dir),
                       predictor_options=TINY)
    assert load_pretrained(out)["spaces"] == summary["spaces"] == ["nb101", "tnb101-micro"]
    assert [p.name for p in tmp_path.iterdir()] == ["chain.pt"]
