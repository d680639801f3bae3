"""A version 2 FLAN file fitted with NB101's ``params`` proxy is read, with a note, not refused.

Commit f4de08e made NB101's stored ``params`` proxy millions; files said version 3 only from 5a6e018 on, so a file
pretrained between the two is version 2, fitted in millions, byte for byte the kind of file an older nasloop wrote
in whole counts. Refusing every such file refused those written right (a pretraining of minutes to hours), and
nothing in a file tells the two apart: it is read, and the note says what it may hold and what to do.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from nasloop.engine.cli import main
from nasloop.predictors.flan_transfer import _checksum

from .conftest import SMALL_FLAN

NOTE = ("was fitted with nb101's params proxy, read as a whole count until commit f4de08e (5 Dec 2026) and in millions "
        "since, and the file does not say which")


@pytest.fixture(scope="module")
def with_params(tmp_path_factory, data_dir) -> Path:
    """A real file pretrained now on NB101 with the params and flops proxies as supplementary features."""
    path = tmp_path_factory.mktemp("flan") / "flan-params.pt"
    assert main(["predictors", "pretrain", "--space", "nb101", "--train-size", "32", *SMALL_FLAN, "--predictor-opt",
                 "supplementary=[params, flops]", "--data-dir", str(data_dir), "--out", str(path)]) == 0
    return path


def _as_written_between(path: Path, out: Path) -> Path:
    """``path`` as nasloop wrote it between f4de08e and 5a6e018 (``git show f4de08e:predictors/flan_transfer.py``):
    the payload it has now with ``version`` 2, saved to ``out.partial``, then renamed to ``out``."""
    payload = torch.load(path, weights_only=True)
    assert payload["version"] == 3 and payload["checksum"] == _checksum(payload)
    partial = out.with_name(out.name + ".partial")
    torch.save({**payload, "version": 2}, partial)
    partial.replace(out)
    return out


def test_a_version_2_file_fitted_on_nb101_params_starts_fits_with_one_note(with_params, tmp_path, data_dir,
                                                                          capsys):
    between = _as_written_between(with_params, tmp_path / "between.pt")
    assert main(["predictors", "evaluate", "--space", "nb101", "--train-sizes", "8,12", "--seeds", "1", *SMALL_FLAN,
                 "--predictor-opt", "supplementary=[params, flops]", "--predictor-opt", f"pretrained={between}",
                 "--data-dir", str(data_dir), "--json"]) == 0
    captured = capsys.readouterr()
    notes = [line for line in captured.err.splitlines() if NOTE in line]
    assert len(notes) == 1, captured.err  # once, though each size fits its own FLAN from the file
    assert notes[0].startswith(f"nasloop predictors evaluate: note: pretrained file {between} (format version 2) ")
    assert notes[0].endswith("pretrain it again to be sure")
    assert '"kendall_tau"' in captured.out
