"""A version-1 pretrained FLAN file (from before files carried a checksum) with bytes flipped inside a weight is
refused in one line, as a version 2 or 3 one is: it loaded unseen, and a fit started from weights no training gave.
What such a file does carry is checked: the CRC-32 torch.save's zip archive keeps of each record."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import torch

from nasloop.engine.errors import DataError
from nasloop.predictors.flan_transfer import load_pretrained


def _version_1(pretrained: Path, out: Path) -> Path:
    """The real file as version 1 wrote it: the same payload, without the checksum version 2 added."""
    older = {k: v for k, v in torch.load(pretrained, weights_only=True).items() if k != "checksum"}
    torch.save({**older, "version": 1}, out)
    return out


def _flip_inside_the_largest_weight(path: Path) -> str:
    """Flip the lowest bit of 8 bytes inside the file's largest tensor record (still finite numbers); its name."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        record = max((r for r in archive.infolist() if "/data/" in r.filename), key=lambda r: r.file_size)
    name_length, extra_length = struct.unpack("<HH", data[record.header_offset + 26:record.header_offset + 30])
    start = record.header_offset + 30 + name_length + extra_length + 64
    for i in range(start, start + 8):
        data[i] ^= 1
    path.write_bytes(bytes(data))
    return record.filename


def test_a_damaged_version_1_file_is_refused_and_a_whole_one_loads(pretrained, tmp_path):
    whole = _version_1(pretrained, tmp_path / "v1.pt")
    assert load_pretrained(whole)["version"] == 1
    damaged = _version_1(pretrained, tmp_path / "v1-damaged.pt")
    record = _flip_inside_the_largest_weight(damaged)
    with pytest.raises(DataError) as refused:
        load_pretrained(damaged)
    assert str(refused.value) == (f"{damaged} is damaged: its record {record} does not match the CRC-32 written with "
                                  "it (a version 1 file has no checksum of its own); pretrain again")
