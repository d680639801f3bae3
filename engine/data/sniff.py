"""Recognising benchmark files by their content, not their names.

``nasloop data import`` is given files users downloaded under whatever names; each benchmark
recognises its formats from the first bytes (decompressed when gzipped), so a file of another
benchmark is named as such instead of failing half-way through an import.
"""
from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import Path
from typing import IO

from ..errors import DataError

HEAD_BYTES = 1 << 16
MAX_TEXT_BYTES = 2 << 30
"""No benchmark's JSON holds more once decompressed (NB101's 30k table: 12 MB; NDS's largest: hundreds of MB);
more is a decompression bomb or the wrong file, refused before it fills memory."""
READ_CHUNK = 1 << 24
"""Bytes :func:`content_text` reads at a time (16 MiB)."""
BOMB_RATIO = 100
"""Decompressed bytes per compressed byte no benchmark file reaches (the shipped ones: 2.5 to 11). A file past it is
refused once it has made :data:`BOMB_FLOOR` bytes: a 9.5 MB gzip of an NB101 JSON's start and 2 GB of spaces took
2.1 GB of memory and 30 s before :data:`MAX_TEXT_BYTES` refused it, and a CSV's start and one 1.5 GB line 3.1 GB,
where gzip's own ceiling is about 1,000 to 1."""
BOMB_FLOOR = 64 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_DAMAGE_PIECE = 256
"""Compressed bytes decompressed at a time when reading up to a damage: what decompresses before it is kept to
within this much (a few KB of text), enough for a benchmark to recognise its header."""
_PICKLE_PROTOCOL = 0x80  # protocols 2+ start with PROTO


def head_bytes(path: str | Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file's content, gunzipped if it is gzip; b"" if unreadable."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(size)
        if raw.startswith(_GZIP_MAGIC):
            try:
                with gzip.open(path, "rb") as fh:
                    return fh.read(size)
            except (EOFError, zlib.error):
                return _gzip_start(path, size)
        return raw
    except (OSError, EOFError, zlib.error):
        return b""


def _gzip_start(path: str | Path, size: int) -> bytes:
    """What a damaged gzip file decompresses to before its damage (at most ``size`` bytes). A download cut off
    short of ``size`` decompressed bytes read as empty, so its benchmark did not recognise it and the import
    called it no data file of the benchmark, instead of naming the cut. The compressed bytes are fed a small piece
    at a time: an error discards what its whole piece decompressed to, so damage within a 64 KB piece read as an
    empty file, and the search called the shipped CSV damaged 3 KB in 'not a format of the nb201 benchmark'."""
    stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = b""
    with open(path, "rb") as fh:
        try:
            while len(out) < size and (chunk := stream.unconsumed_tail + fh.read(_DAMAGE_PIECE)):
                out += stream.decompress(chunk, size - len(out))
        except zlib.error:  # corrupt past this point: what came before is the file's start
            pass
    return out


def head_text(path: str | Path, size: int = HEAD_BYTES) -> str:
    """:func:`head_bytes` as text (undecodable bytes replaced: a binary file simply matches no format)."""
    return head_bytes(path, size).decode("utf-8-sig", errors="replace")  # a BOM (Windows tools write one) dropped


def is_pickle(path: str | Path) -> bool:
    """Whether the file (gunzipped) starts like a binary pickle."""
    head = head_bytes(path, 2)
    return len(head) == 2 and head[0] == _PICKLE_PROTOCOL and 2 <= head[1] <= 5


def is_gzip(path: str | Path) -> bool:
    """Whether the file's content is gzip, whatever its name says."""
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC


def decompresses_to_nothing(path: str | Path) -> bool:
    """Whether the file is whole gzip holding no bytes: empty as a 0-byte file is, where the benchmarks called it
    none of their formats. A damaged gzip is not judged here: its reader names the damage."""
    try:
        if not is_gzip(path):
            return False
        with gzip.open(path, "rb") as fh:
            return fh.read(1) == b""
    except (OSError, EOFError, zlib.error):
        return False


class GuardedGzip(gzip.GzipFile):
    """A gzip file read as :class:`gzip.GzipFile` is, refusing in one line a decompression bomb (see
    :data:`BOMB_RATIO`) as its reads pass :data:`BOMB_FLOOR` bytes."""

    def read(self, size: int | None = -1) -> bytes:
        """Read READ_CHUNK bytes at a time, so one large read (a tar member's declared size) is judged as it goes."""
        if size is not None and 0 <= size <= READ_CHUNK:
            return self._guarded(super().read(size))
        pieces: list[bytes] = []
        left = -1 if size is None or size < 0 else size
        while left and (piece := self._guarded(super().read(READ_CHUNK if left < 0 else min(READ_CHUNK, left)))):
            pieces.append(piece)
            left -= len(piece) if left > 0 else 0
        return b"".join(pieces)

    def read1(self, size: int = -1) -> bytes:  # what a TextIOWrapper over it reads through
        return self._guarded(super().read1(size))

    def readline(self, size: int | None = -1) -> bytes:
        """A line read READ_CHUNK bytes at a time, so a bomb's one endless line is judged as it is read."""
        if size is not None and 0 <= size <= READ_CHUNK:
            return self._guarded(super().readline(size))
        pieces: list[bytes] = []
        while (not pieces or not pieces[-1].endswith(b"\n")) and (
                piece := self._guarded(super().readline(READ_CHUNK if size is None or size < 0 else
                                                        min(READ_CHUNK, size - sum(map(len, pieces)))))):
            pieces.append(piece)
        return b"".join(pieces)

    def _guarded(self, data: bytes) -> bytes:
        made, read = self.tell(), self.fileobj.tell() if self.fileobj is not None else 0
        if made > BOMB_FLOOR and made > BOMB_RATIO * read:
            raise DataError(f"{self.name} decompresses to over {BOMB_RATIO} times its size ({made >> 20} MB from "
                            f"{read:,} bytes), where benchmark files compress about 3 to 12 times: "
                            "it is a decompression bomb or no benchmark file; get the benchmark's file again")
        return data


def gzip_text(path: str | Path, encoding: str = "utf-8") -> IO[str]:
    """The text of gzip file ``path`` as ``gzip.open(path, "rt", newline="")`` reads it, bombs refused (see
    :class:`GuardedGzip`)."""
    return io.TextIOWrapper(GuardedGzip(path), encoding=encoding, newline="")


def content_text(path: str | Path, limit: int = MAX_TEXT_BYTES) -> str:
    """The whole UTF-8 text of a benchmark file, gunzipped when its content is gzip (whatever its name); one
    line when it decompresses to more than ``limit`` bytes. OSError, EOFError, zlib.error and
    UnicodeDecodeError reach the caller, which names the benchmark. Read in chunks: one read of ``limit`` bytes
    allocated a 2 GB buffer for NB101's 12 MB of JSON, a MemoryError wherever the process may not reserve that."""
    data = bytearray()
    with GuardedGzip(path) if is_gzip(path) else open(path, "rb") as fh:
        while len(data) <= limit and (chunk := fh.read(min(READ_CHUNK, limit + 1 - len(data)))):
            data += chunk
    if len(data) > limit:
        size = f"{limit >> 30} GB" if limit >= 1 << 30 else f"{limit} bytes"
        raise DataError(f"{path} decompresses to over {size}, more than any benchmark file; it is not one (or is "
                        "a decompression bomb): get the benchmark's file again")
    return data.decode("utf-8-sig")  # a file re-saved with a BOM (by an editor) is JSON all the same


def refuse_inflated_members(path: str | Path) -> None:
    """ValueError for a zip (.npz, torch save) member that decompresses to over BOMB_RATIO times its size past
    BOMB_FLOOR bytes, from the sizes its zip directory declares (which bound what is read), before np.load or
    torch.load reads it whole: a 1.7 MB nb201.npz in a data folder with a column of 1 GB of zeros took 1.1 GB before
    its length was refused, and torch.load inflates a deflated record as readily (262 KB: a 256 MB tensor).
    nasloop's own tables stay far below (a column's largest ratio: TNB101's architecture strings', 62 to 1), and
    torch.save compresses nothing. Nothing for a file that is no zip archive, or a damaged one, which the reader
    after this names in its own words."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (OSError, zipfile.BadZipFile):
        return
    for member in members:
        if member.file_size > BOMB_FLOOR and member.file_size > BOMB_RATIO * member.compress_size:
            raise ValueError(f"its {member.filename} decompresses to {member.file_size >> 20} MB from "
                             f"{member.compress_size:,} bytes, over {BOMB_RATIO} times: a decompression bomb")


TORCH_SAVE = ("a PyTorch save file, not benchmark data: a FLAN predictor written by 'nasloop predictors pretrain' "
              "is one, which a search takes as --predictor-opt pretrained=FILE")
"""What a torch save file given as data is: a zip like the NDS download, so it was called an archive to extract,
and its extracted data.pkl then refused as a pickle calling torch's tensor rebuilders."""


def is_torch_save(path: str | Path) -> bool:
    """Whether the file is a zip laid out as ``torch.save`` writes it: every member under one folder that holds
    ``data.pkl`` and ``version``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    top = names[0].split("/", 1)[0] if names else ""
    return bool(top) and all(name.startswith(f"{top}/") for name in names) and \
        {f"{top}/data.pkl", f"{top}/version"} <= set(names)
