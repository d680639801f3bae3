"""A FLAN file pretrained when NB101's ``params`` proxy was read as a whole count is read with a note, not unsaid.

Commit f4de08e made NB101's stored ``params`` proxy millions, as the proxy computes it; a file fitted before took
the log-squashed whole count as that feature, and nothing in it told the two apart (both were format version 2),
so a run starting from it fed its weights the new values without a word. Files now say version 3; a version 2 file,
which may hold either unit (those written between f4de08e and 5a6e018 hold millions), is noted: read, since nothing in
it tells the two apart (a pretraining takes minutes to hours).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from nasloop.engine.cli import main
from nasloop.engine.context import RunContext
from nasloop.engine.registry import PREDICTORS, SEARCH_SPACES
from nasloop.predictors.flan_transfer import _checksum, load_pretrained

from .conftest import SMALL_FLAN

NOTE = ("was fitted with nb101's params proxy, read as a whole count until commit f4de08e (5 Dec 2026) and in millions "
        "since, and the file does not say which")


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


def test_an_older_file_fitted_on_nb101_params_is_noted_once_in_one_line(with_params, tmp_path):
    older = _as_written_before(with_params, tmp_path / "older.pt")
    notes: list[str] = []
    context = RunContext(on_note=notes.append)
    for _ in range(2):  # every FLAN of a run reads the file: the run says it once
        assert load_pretrained(older, context)["feature_names"] == ["params", "flops"]
    assert len(notes) == 1 and "\n" not in notes[0]
    for words in (str(older), "(format version 2)", "nb101's params proxy, read as a whole count until commit f4de08e",
                  "pretrain it again to be sure"):
        assert words in notes[0]


def test_the_same_file_written_now_and_an_older_one_without_params_still_load(with_params, pretrained, tmp_path):
    now = load_pretrained(with_params)
    assert now["version"] == 3 and now["feature_names"] == ["params", "flops"]
    older = _as_written_before(pretrained, tmp_path / "no-features.pt")  # fitted on NB101 with no supplementary input
    assert load_pretrained(older)["version"] == 2


def _as_written_between(path: Path, out: Path) -> Path:
    """``path`` as nasloop wrote it between f4de08e and 5a6e018 (``git show f4de08e:predictors/flan_transfer.py``):
    the payload it has now with ``version`` 2, saved to ``out.partial``, then renamed to ``out``."""
    payload = torch.load(path, weights_only=True)
    assert payload["version"] == 3 and payload["checksum"] == _checksum(payload)
    partial = out.with_name(out.name + ".partial")
    torch.save({**payload, "version": 2}, partial)
    partial.replace(out)
    return out


def test_a_version_2_file_fitted_on_nb101_params_starts_flans_with_one_note(with_params, tmp_path):
    """Every FLAN of a run built from the file (one per train size and seed in predictors evaluate) reads it: the run
    says the note once."""
    between = _as_written_between(with_params, tmp_path / "between.pt")
    notes: list[str] = []
    context, space = RunContext(on_note=notes.append), SEARCH_SPACES.get("nb101")()
    for _ in range(2):
        flan = PREDICTORS.get("flan")(space, context=context, ensemble=2, steps=20, pretrained=str(between),
                                      supplementary=["params", "flops"])
        assert flan.pretrained_on == ("nb101",)
    computed = [note for note in notes if "are computed on each nb101 network" in note]  # a context without its table
    notes = [note for note in notes if note not in computed]
    assert len(computed) == 1 and len(notes) == 1 and NOTE in notes[0] and "\n" not in notes[0]
    assert notes[0].startswith(f"pretrained file {between} (format version 2) ")
    assert notes[0].endswith("pretrain it again to be sure")
