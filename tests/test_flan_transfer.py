"""FLAN across spaces: pretrain on NB101's table, fine-tune on NB201, and refuse files that do not fit."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.errors import ConfigError, DataError
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.flan_transfer import load_pretrained
from nasloop.search_spaces.nb201 import NB201Space

SMALL = ["--predictor-opt", "ensemble=2", "--predictor-opt", "steps=20"]


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory, data_dir):
    path = tmp_path_factory.mktemp("flan") / "flan-nb101.pt"
    assert cli.main(["predictors", "pretrain", "--space", "nb101", "--train-size", "64", *SMALL,
                     "--data-dir", str(data_dir), "--out", str(path)]) == 0
    return path


def test_pretrain_writes_the_members_and_shared_vocabulary(pretrained, capsys):
    payload = load_pretrained(pretrained)
    assert payload["spaces"] == ["nb101"] and payload["cells"] == 64 and len(payload["members"]) == 2
    assert {"shared/conv3x3", "shared/conv1x1", "shared/max_pool3x3", "shared/input"} <= set(payload["vocab"])


def test_fine_tuning_starts_from_the_file_and_keeps_every_row(pretrained, nb201_split):
    space, (train_x, train_y), (test_x, test_y) = nb201_split(16, 500)
    payload = load_pretrained(pretrained)
    # lr 0: the fit leaves the starting weights as they are, so they can be compared with the file
    frozen = FlanPredictor(space, ensemble=2, steps=1, lr=0.0, pretrained=str(pretrained)).fit(train_x, train_y)
    tokens = frozen.vocab.tokens()
    assert tokens[:len(payload["vocab"])] == payload["vocab"]  # no row of the file is dropped or moved
    assert {"shared/none", "shared/skip", "shared/avg_pool3x3"} <= set(tokens[len(payload["vocab"]):])
    for member, saved in zip(frozen.members, payload["members"]):
        weights = member.state_dict()
        assert torch.equal(weights["embedding.weight"][:len(payload["vocab"])], saved["embedding.weight"])
        assert all(torch.equal(weights[k], v) for k, v in saved.items() if k != "embedding.weight")
    tuned = FlanPredictor(space, ensemble=2, pretrained=str(pretrained), seed=1).fit(train_x, train_y)
    from scipy import stats
    assert stats.kendalltau(tuned.predict(test_x)[0], test_y).statistic > 0.3  # chance is 0
    restored = FlanPredictor(space, ensemble=2, pretrained=str(pretrained), seed=1)
    restored.load_state_dict(tuned.state_dict())
    assert np.allclose(restored.predict(test_x)[0], tuned.predict(test_x)[0])


def test_files_that_do_not_fit_are_refused_in_one_line(pretrained, tmp_path, data_dir):
    space = NB201Space()
    with pytest.raises(ConfigError, match=r"trained with hidden 48 \(here 16\)"):
        FlanPredictor(space, hidden=16, pretrained=str(pretrained))
    context = build_context(NB201Space, "cifar10", str(data_dir))
    with_features = FlanPredictor(space, context=context, supplementary="zen", pretrained=str(pretrained), steps=1)
    with pytest.raises(ConfigError, match="trained with 0 supplementary features and this FLAN has 1"):
        with_features.fit(list(space.enumerate())[:5], np.arange(5.0))
    damaged = tmp_path / "damaged.pt"
    damaged.write_bytes(pretrained.read_bytes()[:2000])
    with pytest.raises(DataError, match="is not a readable FLAN pretrained file"):
        FlanPredictor(space, pretrained=str(damaged))
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    with pytest.raises(DataError, match="is not a FLAN pretrained file"):
        FlanPredictor(space, pretrained=str(foreign))
    hostile = tmp_path / "hostile.pt"
    witness = tmp_path / "ran"
    hostile.write_bytes(pickle.dumps(_Exploit(str(witness))))
    with pytest.raises(DataError, match="is not a readable FLAN pretrained file"):
        FlanPredictor(space, pretrained=str(hostile))
    assert not witness.exists()  # weights_only loading never runs code from the file
    with pytest.raises(ConfigError, match="does not exist; write one with 'nasloop predictors pretrain'"):
        FlanPredictor(space, pretrained=str(tmp_path / "missing.pt"))


class _Exploit:
    """A pickle that would create a file if it were unpickled unsafely."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pretrain_bad_input_is_one_line(tmp_path, capsys, data_dir):
    out = tmp_path / "x.pt"
    assert cli.main(["predictors", "pretrain", "--space", "nago", "--out", str(out)]) == 2
    assert "needs a space with a benchmark table; 'nago' has none" in capsys.readouterr().err
    assert cli.main(["predictors", "pretrain", "--space", "nb201", "--predictor-opt", f"pretrained={out}",
                     "--data-dir", str(data_dir), "--out", str(out)]) == 2
    assert "drop the pretrained option" in capsys.readouterr().err
    assert not out.exists()
