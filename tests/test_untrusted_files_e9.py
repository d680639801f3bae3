"""Files from outside that ran no code but still hurt: a tiny pickle or gzip file that fills the memory, a proxy
file whose one long line stopped a search as an unexpected error, a gzipped pickle called corrupt, a checkpoint
whose edited epoch count became a trial's result.

Each is given as a user would give it (``nasloop data import``, a data folder's proxy file, a run folder's training
checkpoint), and must be refused in one line that names the file and the fix, before it takes more than a little
memory or stands as a trial's result.
"""
from __future__ import annotations

import gzip
import io
import json
import pickle
import tarfile
import zipfile
from pathlib import Path

import pytest
import torch
from numpy.lib import format as npy_format

from nasloop.engine import cli
from nasloop.engine.data.safe_pickle import MAX_BUILT, load_pickle
from nasloop.engine.data.sniff import BOMB_FLOOR
from nasloop.engine.errors import DataError
from nasloop.engine.train_one import train_architecture


def _refusal(capsys, argv: list[str]) -> str:
    """The one line a command exits 2 with."""
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err and "unexpected" not in err, err
    return err


def _counting_pickle(kind: str, count: int) -> bytes:
    """A protocol-2 pickle of ``builtins.list(builtins.range(0, count))`` (``kind`` "range"), or of
    ``builtins.bytearray(count)`` (``kind`` "bytearray"): a few dozen bytes that name only admitted builtins."""
    number = b"J" + count.to_bytes(4, "little")  # BININT
    if kind == "range":
        return b"\x80\x02c__builtin__\nlist\nc__builtin__\nrange\nK\x00" + number + b"\x86R\x85R."
    return b"\x80\x02c__builtin__\nbytearray\n" + number + b"\x85R."


@pytest.mark.parametrize("kind", ["range", "bytearray"])
def test_a_pickle_building_a_huge_count_is_refused_before_it_is_built(tmp_path, capsys, kind):
    """list(range(3 * 10**7)) from a 51-byte file took 1.2 GB (10**9: some 40 GB) before the import said the file
    was no NB201 data: the unpickler admits range and bytearray, and now refuses their counts past MAX_BUILT."""
    path = tmp_path / "nb201_cifar10_full_training.pickle"
    path.write_bytes(_counting_pickle(kind, MAX_BUILT + 1))
    err = _refusal(capsys, ["data", "import", "--space", "nb201", "--out", str(tmp_path / "out"), str(path)])
    assert f"builds a {kind} of {MAX_BUILT + 1:,} items" in err and str(path) in err
    assert not (tmp_path / "out").exists()


def test_a_small_count_in_a_pickle_still_loads(tmp_path):
    """The bound leaves plain data alone: a range and a bytearray of a benchmark's sizes load as they are."""
    path = tmp_path / "small.pkl"
    path.write_bytes(pickle.dumps({"cells": range(15_625), "raw": bytearray(b"ab")}, protocol=2))
    assert load_pickle(path) == {"cells": range(15_625), "raw": bytearray(b"ab")}


def test_a_gzipped_pickle_is_named_as_one_not_as_corrupt(tmp_path, capsys):
    """A NASLib pickle someone gzipped was recognised as a pickle once gunzipped, then called 'truncated or corrupt,
    download it again', which a fresh download does not mend."""
    path = tmp_path / "nb201_cifar10_full_training.pickle.gz"
    path.write_bytes(gzip.compress(pickle.dumps({"x": [1.0]}, protocol=4)))
    err = _refusal(capsys, ["data", "import", "--space", "nb201", "--out", str(tmp_path / "out"), str(path)])
    assert "gzip-compressed pickle" in err and "gunzip -k" in err and "corrupt" not in err


PADDING = BOMB_FLOOR + (16 << 20)
"""Decompressed bytes of a bomb: past the floor where its ratio is judged, and small enough for a test to write."""


def _bomb(path: Path, start: bytes, end: bytes = b"") -> Path:
    """A gzip file of ``start``, PADDING spaces (or 'a's, one endless CSV field, where ``end`` is empty) and ``end``:
    its start is the benchmark's, so it is recognised and read."""
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(start)
        fh.write((b" " if end else b"a") * PADDING)
        fh.write(end)
    assert path.stat().st_size * 100 < PADDING  # a bomb: over 100 to 1
    return path


def test_a_gzip_bomb_of_benchmark_json_is_refused_early(tmp_path, capsys, data_dir):
    """An NB101 JSON's first records and then spaces: the whole text was read into memory (2 GB of spaces: 2.1 GB
    and 30 s) before the 2 GB ceiling or the JSON parser said anything."""
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as fh:
        records = json.load(fh)[:3]
    path = _bomb(tmp_path / "nasbench101_30k.json.gz", json.dumps(records)[:-1].encode() + b",", b"1]")
    err = _refusal(capsys, ["data", "import", "--space", "nb101", "--out", str(tmp_path / "out"), str(path)])
    assert "decompression bomb" in err and str(path) in err
    assert not (tmp_path / "out").exists()


def test_a_gzip_bomb_of_one_endless_csv_line_is_refused_early(tmp_path, capsys, nb201_csv_path):
    """The NB201 CSV's header and one endless line: csv read the line whole (1.5 GB: 3.1 GB of memory) before its
    field limit refused it, as 'corrupt or not the NB201 CSV'."""
    with gzip.open(nb201_csv_path, "rb") as fh:
        header = fh.readline()
    path = _bomb(tmp_path / "nasbench201_all.csv.gz", header)
    err = _refusal(capsys, ["data", "import", "--space", "nb201", "--out", str(tmp_path / "out"), str(path)])
    assert "decompression bomb" in err and str(path) in err


SETTINGS = ('# nasloop proxies {"batch_size": 64, "dataset": "cifar10", "probe": ["|nor_conv_1x1~0|+|nor_conv_3x3~0|'
            'avg_pool_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_1x1~2|", 55014], "seed": 0, "space": "nb201", '
            '"space_options": {"cells": 5, "channels": 4}}')


def test_a_proxy_file_line_past_csvs_field_limit_is_a_damaged_line(tmp_path, capsys, data_dir):
    """A data folder's proxy file with a line of 200,000 characters (a paste gone wrong) stopped the search as an
    'unexpected Error ... field larger than field limit (131072)', with a traceback file: csv refused the field before
    the reader's own check of its length could."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    (folder / "nb201-cifar10-proxies.csv").write_text(
        f"{SETTINGS}\narch,synflow\n|none~0|+|none~0|none~1|+|avg_pool_3x3~0|nor_conv_3x3~1|avg_pool_3x3~2|,11.4\n"
        f"{'x' * 200_000},1\n")
    err = _refusal(capsys, ["search", "--strategy", "predictor-topk", "--predictor", "zero-cost", "--predictor-opt",
                            "proxy=synflow", "--data-dir", str(folder), "--budget", "3", "--quiet",
                            "--run-dir", str(tmp_path / "run")])
    assert "nb201-cifar10-proxies.csv line 4 is not a CSV row" in err and "rescore it" in err


BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


@pytest.mark.parametrize("damage,reason", [({"epoch": 10**6}, "it records 1000000 of 1 epochs done, with 1 losses"),
                                           ({"epoch": -3}, "it records -3 of 1 epochs done"),
                                           ({"rng": {"cpu": 5, "cuda": None}}, "AttributeError: 'int' object")])
def test_a_checkpoint_whose_progress_or_random_state_is_damaged_is_unreadable(tmp_path, data_dir, one_torch_thread,
                                                                                damage, reason):
    """A run folder's checkpoint edited to 10**6 epochs done skipped the training, and the trial's result was its
    network's after the epochs it had trained (-3: three epochs more than asked); a number for the random state's
    tensor failed the trial as its architecture's AttributeError. Each is the damaged checkpoint to delete."""
    options = {"data_dir": data_dir, "device": "cpu", "run_dir": tmp_path / "run", "train_images": 200,
               "batch_size": 64, "epochs": 1, "channels": 4, "cells": 1}
    train_architecture("nb201", BEST_CELL, **options)
    [checkpoint] = (tmp_path / "run").rglob("last.pt")
    state = torch.load(checkpoint, weights_only=True)
    torch.save({**state, **damage}, checkpoint)
    with pytest.raises(DataError) as refused:
        train_architecture("nb201", BEST_CELL, **options)
    message = str(refused.value)
    assert "\n" not in message and f"checkpoint {checkpoint} is unreadable" in message and reason in message
    assert "delete it to retrain this trial from scratch" in message


def _zeros_member(archive: zipfile.ZipFile, name: str) -> None:
    """An .npy member of PADDING bytes of float64 zeros, deflated to a few hundred KB."""
    header = io.BytesIO()
    npy_format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (PADDING // 8,)})
    with archive.open(name, "w", force_zip64=True) as fh:
        fh.write(header.getvalue())
        for _ in range(PADDING >> 24):
            fh.write(bytes(1 << 24))


def test_a_table_with_a_deflated_bomb_column_is_refused_before_it_is_read(tmp_path, capsys, nb201_csv_path):
    """A 1.7 MB nb201.npz in a data folder with a column of 1 GB of zeros took 1.1 GB of memory before the search
    refused its column lengths: np.load reads each member whole."""
    folder = tmp_path / "data"
    assert cli.main(["data", "import", "--space", "nb201", "--out", str(folder), str(nb201_csv_path)]) == 0
    with zipfile.ZipFile(folder / "nb201.npz", "a", compression=zipfile.ZIP_DEFLATED) as archive:
        _zeros_member(archive, "junk.npy")
    err = _refusal(capsys, ["search", "--data-dir", str(folder), "--budget", "1", "--quiet",
                            "--run-dir", str(tmp_path / "run")])
    assert "junk.npy decompresses to 80 MB" in err and "decompression bomb" in err


def _cifar_tar_bomb(path: Path) -> None:
    """The official archive's layout, its first batch PADDING bytes of zeros."""
    with tarfile.open(path, "w:gz") as tar:
        member = tarfile.TarInfo("cifar-10-batches-py/data_batch_1")
        member.size = PADDING
        tar.addfile(member, io.BytesIO(bytes(PADDING)))


@pytest.mark.parametrize("name", ["cifar-10-python.tar.gz", "cifar10_subset.npz"])
def test_a_cifar_file_that_is_a_bomb_is_refused_before_it_is_read(tmp_path, capsys, name):
    """CIFAR-10 in a data folder: the official archive's member or the subset's array was read whole into memory
    (the archive's declared size, the array's zip entry) before its content was judged corrupt."""
    folder = tmp_path / "data"
    folder.mkdir()
    if name.endswith(".tar.gz"):
        _cifar_tar_bomb(folder / name)
    else:
        with zipfile.ZipFile(folder / name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _zeros_member(archive, "x_train.npy")
    err = _refusal(capsys, ["train", "--arch", BEST_CELL, "--data-dir", str(folder), "--device", "cpu",
                            "--space-opt", "channels=4", "--space-opt", "cells=1"])
    assert "decompression bomb" in err and name in err


def _torch_bomb(path: Path, saved: dict) -> Path:
    """``torch.save`` of ``saved`` with a tensor of PADDING bytes of zeros, its records rewritten deflated (torch.save
    stores them as they are; torch.load inflates a deflated one all the same)."""
    torch.save({**saved, "weights": torch.zeros(PADDING // 4)}, path.with_suffix(".stored"))
    with zipfile.ZipFile(path.with_suffix(".stored")) as stored, zipfile.ZipFile(path, "w") as deflated:
        for record in stored.infolist():
            deflated.writestr(record.filename, stored.read(record), compress_type=zipfile.ZIP_DEFLATED)
    path.with_suffix(".stored").unlink()
    return path


def test_a_pretrained_file_that_is_a_torch_bomb_is_refused_before_it_is_read(tmp_path, capsys):
    """--predictor-opt pretrained=FILE: a 522 KB file inflated a 512 MB tensor (920 MB of memory) before it was
    found to be no FLAN pretrained file."""
    path = _torch_bomb(tmp_path / "flan.pt", {"format": "nasloop-flan-pretrained"})
    err = _refusal(capsys, ["search", "--strategy", "bananas", "--predictor", "flan", "--predictor-opt",
                            f"pretrained={path}", "--budget", "3", "--quiet", "--run-dir", str(tmp_path / "run")])
    assert f"{path} is not a FLAN pretrained file" in err and "decompression bomb" in err


def test_a_transnas_api_file_that_is_a_torch_bomb_is_refused_before_it_is_read(tmp_path, capsys):
    """TransNAS-Bench-101's own .pth, recognised by its keys: torch.load inflated the whole record first."""
    path = _torch_bomb(tmp_path / "transnas-bench_v10141024.pth", {"task_list": ["class_scene"]})
    err = _refusal(capsys, ["data", "import", "--space", "tnb101-micro", "--out", str(tmp_path / "out"), str(path)])
    assert "decompression bomb" in err and "get it again" in err
    assert not (tmp_path / "out").exists()


def test_a_checkpoint_that_is_a_torch_bomb_is_unreadable(tmp_path, data_dir, one_torch_thread):
    """A run folder's checkpoint replaced by a deflated torch save is refused before torch.load inflates it."""
    options = {"data_dir": data_dir, "device": "cpu", "run_dir": tmp_path / "run", "train_images": 200,
               "batch_size": 64, "epochs": 1, "channels": 4, "cells": 1}
    train_architecture("nb201", BEST_CELL, **options)
    [checkpoint] = (tmp_path / "run").rglob("last.pt")
    _torch_bomb(checkpoint, {"epoch": 1})
    with pytest.raises(DataError) as refused:
        train_architecture("nb201", BEST_CELL, **options)
    assert f"checkpoint {checkpoint} is unreadable" in str(refused.value)
    assert "decompression bomb" in str(refused.value)
