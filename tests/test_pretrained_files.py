"""What ``predictors pretrain`` leaves under --out, and the pretrained files it refuses to read."""
from __future__ import annotations

import re

import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.errors import ConfigError
from nasloop.engine.pretraining import pretrain
from nasloop.predictors.flan_transfer import _checksum, load_pretrained

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


def _narrow(payload):
    payload["members"][0]["embedding.weight"] = payload["members"][0]["embedding.weight"][:, :16].clone()


def _retype(dtype):
    def damage(payload):
        member = payload["members"][0]
        key = next(k for k in member if k != "embedding.weight")
        member[key] = member[key].to(dtype)
    return damage


def _sparse(payload):
    member = payload["members"][0]
    key = next(k for k in member if k != "embedding.weight")
    member[key] = member[key].to_sparse()


def _meta(payload):
    member = payload["members"][0]
    key = next(k for k in member if k != "embedding.weight")
    member[key] = torch.empty(member[key].shape, device="meta")


@pytest.mark.parametrize("damage, problem", [
    (_narrow, r"its embedding is of shape \(\d+, 16\), not one row of op_dim 32 per token"),  # crashed at the fit
    (_sparse, r"are a sparse tensor, not a dense one on the CPU"),  # crashed in the finite check
    (_meta, r"are a tensor on meta, not a dense one on the CPU"),  # crashed in the finite check
    (_retype(torch.int64), r"are int64, not float32 or float64"),  # loaded: one prediction for every cell
    (_retype(torch.complex64), r"are complex64, not float32 or float64"),  # loaded, cast without a word
    (lambda p: p.update(features=True), r"its features count is True, not an even whole number"),  # read as 1
    (lambda p: p.update(feature_names=["params", "zen"]),  # names for features the file does not have
     r"its feature names \['params', 'zen'\] are not one name per supplementary feature"),
], ids=["narrow-embedding", "sparse", "meta", "int64", "complex", "features-bool", "feature-names"])
def test_a_file_with_malformed_contents_is_damaged_in_one_line(damage, problem, pretrained, tmp_path, data_dir,
                                                                capsys):
    """Files whose checksum was written again over malformed tensors or metadata (a tool re-saving them) crashed
    with a traceback, or loaded and predicted nonsense; each is now refused, by the CLI with exit 2."""
    payload = torch.load(pretrained, weights_only=True)
    damage(payload)
    if all(v.layout == torch.strided and v.device.type == "cpu" for m in payload["members"] for v in m.values()):
        payload["checksum"] = _checksum(payload)  # the checksum cannot read a sparse or meta tensor's bytes
    crafted = tmp_path / "crafted.pt"
    torch.save(payload, crafted)
    assert cli.main(["predictors", "evaluate", "--space", "nb201", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                     str(data_dir), "--predictor-opt", f"pretrained={crafted}", "--predictor-opt", "steps=1"]) == 2
    error = capsys.readouterr().err
    assert f"{crafted} is damaged: " in error and error.count("\n") == 1, error
    assert re.search(problem, error), error


def test_an_out_under_the_home_folder_is_written_there(tmp_path, data_dir, monkeypatch):
    """--out '~/flan.pt' (quoted, or --out=~/flan.pt, which the shell leaves alone) wrote ./~/flan.pt, where
    pretrained=~/flan.pt, read with the home folder expanded, did not find it; compare --out did the same."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    assert cli.main(["predictors", "pretrain", "--space", "nb201", "--train-size", "8", "--predictor-opt",
                     "ensemble=1", "--predictor-opt", "steps=2", "--data-dir", str(data_dir), "--out=~/flan.pt"]) == 0
    assert load_pretrained(home / "flan.pt")["spaces"] == ["nb201"]
    assert cli.main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                     str(data_dir), "--out", "~/study", "--quiet"]) == 0
    assert (home / "study" / "report.md").is_file() and not (work / "~").exists()


def test_an_out_inside_a_file_names_that_file(tmp_path, data_dir):
    """--out flan.pt/x.pt was refused as "cannot write --out flan.pt/x.pt (File exists)"."""
    (tmp_path / "flan.pt").write_bytes(b"weights")
    out = tmp_path / "flan.pt" / "deeper" / "x.pt"
    with pytest.raises(ConfigError) as refused:
        pretrain(["nb201"], out, train_size=8, data_dir=str(data_dir), predictor_options=TINY)
    assert str(refused.value) == (f"cannot write --out {out}: {tmp_path / 'flan.pt'} is a file, not a folder; "
                                  "give another file")
