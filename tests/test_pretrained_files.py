"""What ``predictors pretrain`` leaves under --out, and the pretrained files it refuses to read."""
from __future__ import annotations

import pytest

from nasloop.engine import cli
from nasloop.engine.errors import ConfigError
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


def test_space_id_in_a_chain_asks_for_joint(tmp_path, data_dir, capsys):
    """In turn, the space-id slots are set by the first space's fit: the file named both spaces but gave only the
    first a slot, so the second read as a space never seen. The chain is refused before any fit."""
    out = tmp_path / "sid.pt"
    argv = ["predictors", "pretrain", "--space", "nb101", "--space", "tnb101-micro", "--train-size", "8",
            "--predictor-opt", "ensemble=1", "--predictor-opt", "steps=2", "--predictor-opt", "space_id=true",
            "--data-dir", str(data_dir), "--out", str(out)]
    assert cli.main(argv) == 2
    error = capsys.readouterr().err
    assert "space_id=true gives each space its own slot only when they are fitted together; add --joint" in error
    assert error.count("\n") == 1 and not out.exists()
    assert cli.main([*argv, "--joint"]) == 0
    assert load_pretrained(out)["space_ids"] == ["nb101", "tnb101-micro"]
    with pytest.raises(ConfigError, match="add --joint"):  # the Python API says so too
        pretrain(["nb101", "tnb101-micro"], tmp_path / "api.pt", train_size=8, data_dir=str(data_dir),
                 predictor_options={**TINY, "space_id": True})
