"""A 16-bit greyscale image in an image folder is scaled to 8 bits as a 16-bit RGB one of the same values is (Pillow
reads 16-bit RGB PNGs as their high bytes; nasloop scales 16-bit greyscale by 1/257): at most one level apart, never
clipped at 255. A guard, not a fix: checked for E9's question, it held before. Pillow writes no 16-bit RGB PNG, so
both PNGs are written here by hand, in the format's own words (https://www.w3.org/TR/png/)."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from nasloop.engine.data.imagenet import decode_image


def _png16(path: Path, samples: np.ndarray, color_type: int) -> None:
    """A PNG of 16-bit samples: greyscale (``color_type`` 0, ``samples`` H x W) or RGB (2, H x W x 3)."""
    height, width = samples.shape[:2]
    raw = b"".join(b"\0" + samples[row].astype(">u2").tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
                     + chunk(b"IEND", b""))


def test_16_bit_greyscale_is_scaled_as_16_bit_rgb(tmp_path: Path) -> None:
    values = np.random.default_rng(0).integers(0, 65536, size=(32, 32), dtype=np.uint16)
    values[0, :4] = [0, 255, 40000, 65535]
    _png16(tmp_path / "grey.png", values, 0)
    _png16(tmp_path / "rgb.png", np.repeat(values[:, :, None], 3, axis=2), 2)
    grey, rgb = decode_image(tmp_path / "grey.png", 32), decode_image(tmp_path / "rgb.png", 32)
    assert np.abs(grey.astype(int) - rgb.astype(int)).max() <= 1
    assert grey[0, :4, 0].tolist() == [0, 1, 156, 255] and 120 < grey.mean() < 135  # 40000 / 257; not clipped
