"""A write cut short (Ctrl-C, a full disk) leaves no half-written file, under the real name or beside it.

The interrupt is made deterministic by a seam: the function that writes the bytes writes part of them and then
raises, as a Ctrl-C or a full disk in the middle of the write would; the code under test stays real.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
import torch

from nasloop.engine import export
from nasloop.engine.cli import main

from .conftest import SMALL_FLAN

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_an_interrupted_pretrain_leaves_no_partial_file(tmp_path, data_dir, monkeypatch):
    """Ctrl-C inside torch.save left F.partial beside --out F (only OSError and RuntimeError removed it)."""
    out = tmp_path / "flan.pt"
    out.write_bytes(b"the user's earlier file")
    real_save = torch.save

    def interrupted_save(obj: Any, f: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(f, (str, os.PathLike)):  # a state packed into memory: not the file written
            return real_save(obj, f, *args, **kwargs)
        buffer = io.BytesIO()
        real_save(obj, buffer)
        Path(f).write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted_save)
    assert main(["predictors", "pretrain", "--space", "nb201", "--train-size", "8", *SMALL_FLAN,
                 "--data-dir", str(data_dir), "--out", str(out), "--overwrite"]) == 130
    assert out.read_bytes() == b"the user's earlier file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flan.pt"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A finished three-evaluation NB201 lookup run."""
    folder = tmp_path_factory.mktemp("partial") / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "3", "--data-dir", str(data_dir),
                 "--run-dir", str(folder), "--quiet"]) == 0
    return folder


def test_an_interrupted_export_leaves_no_part_file(run, tmp_path, monkeypatch):
    """Ctrl-C while the CSV was written left .out.csv.part beside out.csv."""
    out = tmp_path / "out.csv"
    out.write_text("the user's earlier export\n")

    def interrupted_csv(fh: Any, records: list) -> None:
        fh.write("id,step,arch\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "_write_csv", interrupted_csv)
    assert main(["export", str(run), str(out)]) == 130
    assert out.read_text() == "the user's earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
