"""A FLAN file pretrained when NB101's ``params`` proxy was read as a whole count is refused, not misread.

Commit f4de08e made NB101's stored ``params`` proxy millions, as the proxy computes it; a file fitted before took
the log-squashed whole count as that feature, and nothing in it told the two apart (both were format version 2),
so a run starting from it fed its weights the new values without a word. Files now say version 3.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from nasloop.engine.cli import main
from nasloop.engine.errors import DataError
from nasloop.predictors.flan_transfer import _checksum, load_pretrained

from .conftest import SMALL_FLAN


@pytest.fixture(scope="module")
def with_params(tmp_path_factory, data_dir) -> Path:
    """A real file pretrained on NB101 with the params and flops proxies as supplementary features."""
    path = tmp_path_factory.mktemp("flan") / "flan-params.pt"
    assert main(["predictors", "pretrain", "--space", "nb101", "--train-size", "32", *SMALL_FLAN, "--predictor-opt",
                 "supplementary=[params, flops]", "--data-dir", str(data_dir), "--out", str(path)]) == 0
    return path


def _as_written_before(path: Path, out: Path) -> Path:
    """``path`` as nasloop wrote it before the change: the same payload under version 2 (the checksum does not
    cover the version, so it stands)."""
    payload = torch.load(path, weights_only=True)
    assert payload["checksum"] == _checksum(payload)
    torch.save({**payload, "version": 2}, out)
    return out


def test_an_older_file_fitted_on_nb101_params_is_refused_in_one_line(with_params, tmp_path):
    older = _as_written_before(with_params, tmp_path / "older.pt")
    with pytest.raises(DataError) as err:
        load_pretrained(older)
    message = str(err.value)
    assert "\n" not in message
    for words in (str(older), "nb101's params proxy was read as a whole count", "version 2", "pretrain it again"):
        assert words in message


def test_the_same_file_written_now_and_an_older_one_without_params_still_load(with_params, pretrained, tmp_path):
    now = load_pretrained(with_params)
    assert now["version"] == 3 and now["feature_names"] == ["params", "flops"]
    older = _as_written_before(pretrained, tmp_path / "no-features.pt")  # fitted on NB101 with no supplementary input
    assert load_pretrained(older)["version"] == 2
