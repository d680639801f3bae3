"""A write cut short (Ctrl-C, a full disk) leaves no half-written file: figures, checkpoints, the CIFAR download.

The interrupt is made deterministic by a seam: the function that writes the bytes writes part of them and then
raises, as a Ctrl-C or a full disk in the middle of the write would; the code under test stays real.
"""
from __future__ import annotations

import errno
import io
import os
import urllib.request
from typing import Any

import pytest
import torch

from nasloop.engine.data import cifar
from nasloop.engine.errors import DataError
from nasloop.engine.context import RunContext
from nasloop.engine.evaluators.train import TrainingEvaluator
from nasloop.engine.plots import pyplot, save_figure
from nasloop.search_spaces.nb201 import NB201Space

from .interrupted_writes import save_half_then_interrupt

CUT_SHORT = [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")]
CUT_IDS = ["ctrl-c", "disk-full"]


def _figure() -> Any:
    figure, axes = pyplot().subplots()
    axes.plot([1, 2, 3], [3, 1, 2], label="random")
    return figure


@pytest.mark.parametrize("error", CUT_SHORT, ids=CUT_IDS)
def test_a_figure_cut_short_keeps_the_earlier_figure_whole(tmp_path, monkeypatch, error):
    """Figures were saved straight under their real names: a Ctrl-C or a full disk in mid-save left a truncated
    PNG where the whole earlier one had been."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    paths = save_figure(_figure(), tmp_path, "anytime")
    assert [p.read_bytes()[:8] for p in paths][0] == b"\x89PNG\r\n\x1a\n" and b"<svg" in paths[1].read_bytes()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_print_png = FigureCanvasAgg.print_png

    def print_png(self: FigureCanvasAgg, filename_or_obj: Any, *, metadata: Any = None, pil_kwargs: Any = None,
                  **options: Any) -> None:  # options: ones matplotlib passes to every printer, which print_png drops
        if not isinstance(filename_or_obj, (str, os.PathLike)):  # bbox_inches="tight" measures in memory first
            return real_print_png(self, filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
        buffer = io.BytesIO()
        real_print_png(self, buffer, metadata=metadata, pil_kwargs=pil_kwargs)
        with open(filename_or_obj, "wb") as fh:
            fh.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        raise error

    monkeypatch.setattr(FigureCanvasAgg, "print_png", print_png)
    figure = _figure()
    with pytest.raises(type(error)):
        save_figure(figure, tmp_path, "anytime")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert not pyplot().fignum_exists(figure.number)  # closed all the same: a long-lived process kept it


@pytest.mark.usefixtures("one_torch_thread")
def test_an_interrupted_checkpoint_save_leaves_no_tmp_file(data_dir, tmp_path, monkeypatch):
    """A Ctrl-C inside the checkpoint's torch.save left .last.pt.PID.tmp beside last.pt."""
    space = NB201Space(channels=4, cells=1)
    arch = space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|"
                       "avg_pool_3x3~2|")
    evaluator = TrainingEvaluator(space, RunContext(data_dir=str(data_dir), run_dir=str(tmp_path / "run")),
                                  epochs=2, batch_size=16, train_images=64)
    real_save = torch.save
    saves: list[int] = []

    def interrupted_second_save(obj: Any, f: Any, *args: Any, **kwargs: Any) -> None:
        saves.append(obj["epoch"])
        if obj["epoch"] == 1:
            return real_save(obj, f, *args, **kwargs)
        save_half_then_interrupt(real_save, obj, f)

    monkeypatch.setattr(torch, "save", interrupted_second_save)
    with pytest.raises(KeyboardInterrupt):
        evaluator.train(arch)
    folder = evaluator.checkpoint_dir(arch, 2)
    assert saves == [1, 2] and sorted(p.name for p in folder.iterdir()) == ["last.pt"]
    assert torch.load(folder / "last.pt", weights_only=True)["epoch"] == 1  # the first epoch's, whole


class _CutShortResponse(io.BytesIO):
    """An HTTP response whose connection breaks (or whose user presses Ctrl-C) after its first chunk."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(b"\x1f\x8b" + b"\0" * 4000)
        self.error = error

    def read(self, size: int | None = -1) -> bytes:
        if self.tell():
            raise self.error
        return super().read(size)


@pytest.mark.usefixtures("isolated_cache")
@pytest.mark.parametrize("error", [KeyboardInterrupt(), TimeoutError("The read operation timed out")],
                         ids=["ctrl-c", "timeout"])
def test_an_interrupted_cifar_download_leaves_no_part_file(tmp_path, monkeypatch, error):
    """A Ctrl-C in mid-download left cifar-10-python.tar.gz.part in the data folder (only URLError, OSError and
    timeouts removed it)."""
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: _CutShortResponse(error))
    with pytest.raises(DataError if isinstance(error, OSError) else KeyboardInterrupt) as exc:
        cifar.locate_cifar10(tmp_path, source="full", download=True)
    if isinstance(error, OSError):
        assert "could not download CIFAR-10" in str(exc.value) and "\n" not in str(exc.value)
    assert os.listdir(tmp_path) == []


@pytest.mark.usefixtures("isolated_cache")
def test_a_download_of_other_bytes_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    """The md5 check inside the replaced block: a whole download of the wrong file is named and removed."""
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: io.BytesIO(b"not the archive"))
    with pytest.raises(DataError, match=r"^the download from .* has md5 [0-9a-f]{32}, expected "):
        cifar.locate_cifar10(tmp_path, source="full", download=True)
    assert os.listdir(tmp_path) == []
