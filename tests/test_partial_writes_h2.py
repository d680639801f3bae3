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
