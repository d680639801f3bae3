"""``predictors pretrain`` killed outright (SIGKILL) leaves a scratch folder that the next pretrain removes.

Its scratch folder was ``tempfile.TemporaryDirectory``'s: removed on return or on an exception, but a process killed
with SIGKILL runs nothing, so every such pretrain left an empty ``nasloop-pretrain-*`` folder in the temp folder
for good. A live process's folder (locked) must survive another pretrain's clean-up.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from nasloop.engine.cli import main
from nasloop.engine.pretraining import check_writable
from nasloop.engine.scratch_folders import scratch_folder
from nasloop.predictors.flan_transfer import load_pretrained

from .conftest import REPO_ROOT, SMALL_FLAN

PREFIX = "nasloop-pretrain-"


def _pretrain(out: Path, data_dir: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "nasloop.engine.cli", "predictors", "pretrain", "--space", "nb201", "--out",
            str(out), "--data-dir", str(data_dir), *more]


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(REPO_ROOT.parent)}


def _folders(tmp: Path) -> set[str]:
    return {p.name for p in tmp.iterdir() if p.name.startswith(PREFIX)}


def test_a_killed_pretrains_folder_is_removed_by_the_next_and_a_live_ones_kept(tmp_path, data_dir, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    out = tmp_path / "flan.pt"
    with scratch_folder(PREFIX) as live:  # this process's own, locked as a running pretrain's is
        log = tmp_path / "killed.log"
        with open(log, "wb") as errors:
            killed = subprocess.Popen(_pretrain(out, data_dir, "--train-size", "3000"), env=_env(tmp),
                                      stdout=subprocess.DEVNULL, stderr=errors)
        try:
            deadline = time.monotonic() + 120
            while not _folders(tmp) - {live.name} and killed.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
        left = _folders(tmp) - {live.name}
        assert left, f"the pretrain never made its scratch folder: {log.read_text()[-500:]}"
        assert not out.exists()
        again = subprocess.run(_pretrain(out, data_dir, "--train-size", "16", *SMALL_FLAN), env=_env(tmp),
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert out.is_file()
        assert _folders(tmp) == {live.name}  # the killed one's gone, the live one kept, the new one removed
        assert live.is_dir()
    assert not _folders(tmp)


def test_a_second_pretrains_check_of_the_same_out_leaves_the_first_ones_file_being_written(tmp_path, data_dir,
                                                                                             monkeypatch):
    """Both wrote one shared 'F.partial': a pretrain checking F opened and removed it while another was saving
    there, whose rename then failed ('cannot write the pretrained file'). The second check is run, for real, at the
    instant the first has written its bytes and not yet renamed them."""
    out = tmp_path / "flan.pt"
    real_save = torch.save

    def save_then_check_again(obj: Any, f: Any, *args: Any, **kwargs: Any) -> None:
        real_save(obj, f, *args, **kwargs)
        if isinstance(f, (str, os.PathLike)):  # the pretrained file's bytes, not a state packed into memory
            check_writable(out)

    monkeypatch.setattr(torch, "save", save_then_check_again)
    assert main(["predictors", "pretrain", "--space", "nb201", "--train-size", "8", *SMALL_FLAN,
                 "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert load_pretrained(out)["spaces"] == ["nb201"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flan.pt"]
