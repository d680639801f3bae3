"""A write cut short (Ctrl-C, a full disk) leaves no half-written file, under the real name or beside it.

The interrupt is made deterministic by a seam: the function that writes the bytes writes part of them and then
raises, as a Ctrl-C or a full disk in the middle of the write would; the code under test stays real.
"""
from __future__ import annotations

import errno
import io
from pathlib import Path
from typing import Any, Callable

import pytest
import torch

from nasloop.engine import export
from nasloop.engine.cli import main
from nasloop.engine.store import DB_NAME, RunStore

from .conftest import SMALL_FLAN
from .interrupted_writes import save_half_then_interrupt

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_an_interrupted_pretrain_leaves_no_partial_file(tmp_path, data_dir, monkeypatch):
    """Ctrl-C inside torch.save left F.partial beside --out F (only OSError and RuntimeError removed it)."""
    out = tmp_path / "flan.pt"
    out.write_bytes(b"the user's earlier file")
    real_save = torch.save

    def interrupted_save(obj: Any, f: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(f, io.BytesIO):  # a state packed into memory: not the file written (a path or, since
            return real_save(obj, f, *args, **kwargs)  # pretraining names a file-size limit, the file's stream)
        save_half_then_interrupt(real_save, obj, f)

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


def _cut_short(error: BaseException) -> Callable[..., int]:
    """A ``Path.write_text`` that writes half of the text and then raises ``error``."""
    def write_text(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        with open(self, "w") as fh:
            fh.write(data[: len(data) // 2])
        raise error
    return write_text


@pytest.mark.parametrize("error", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")],
                         ids=["ctrl-c", "disk-full"])
def test_a_report_cut_short_keeps_the_earlier_report_whole(run, tmp_path, monkeypatch, error):
    """report.md was written in place: a Ctrl-C or a full disk in mid-write left half a report under its name,
    where the earlier one had been."""
    out = tmp_path / "report"
    assert main(["report", str(run), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(Path, "write_text", _cut_short(error))
    assert main(["report", str(run), "--out", str(out)]) == (130 if isinstance(error, KeyboardInterrupt) else 2)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_export_closes_the_run_store_it_opens(run, tmp_path, monkeypatch):
    """'nasloop export' opened the run's store and never closed it (left to the garbage collector)."""
    closed: list[Path] = []
    real_close = RunStore.close

    def close(self: RunStore) -> None:
        closed.append(self.path)
        real_close(self)

    monkeypatch.setattr(RunStore, "close", close)
    assert main(["export", str(run), str(tmp_path / "out.csv")]) == 0
    assert closed == [run / DB_NAME]


@pytest.mark.parametrize("kind", [["--methods", "random", "--budget", "3"], ["--predictors", "random",
                                                                             "--train-sizes", "8"]],
                         ids=["search-study", "predictor-study"])
def test_an_interrupted_study_file_leaves_no_part_file(kind, tmp_path, data_dir, monkeypatch):
    """Ctrl-C while a study's study.json (or predictor_study.json) was written left STUDY_FILE.part in its folder."""
    monkeypatch.setattr(Path, "write_text", _cut_short(KeyboardInterrupt()))
    assert main(["compare", *kind, "--seeds", "1", "--data-dir", str(data_dir), "--out", str(tmp_path / "study"),
                 "--quiet"]) == 130
    study = tmp_path / "study"  # a new predictor study that came to no record takes its folder away
    assert not [p.name for p in (study.iterdir() if study.is_dir() else ()) if p.suffix == ".part"]
