"""Reading a write-ahead log takes time in proportion to it: the pages were copied at each commit, so a log of many
small commits (a forged one, or a long run's never checkpointed) took time quadratic in it, 19 s of CPU for 64,000
one-page commits (34 MB) where it now takes under a second; and the image is that of the last commit, each page's
last frame before it."""
from __future__ import annotations

import struct
import time

from nasloop.engine.store_wal_rescue import _checksum, committed_image

PAGE = 512


def _log(frames: list[tuple[int, int, bytes]]) -> bytes:
    """A log (little-endian checksums, page size :data:`PAGE`) of ``frames``: (page number, commit size, page)."""
    header = struct.pack(">6I", 0x377F0682, 3007000, PAGE, 0, 11, 22)
    running = _checksum(header, False, (0, 0))
    out = [header, struct.pack(">2I", *running)]
    for number, commit, page in frames:
        head = struct.pack(">4I", number, commit, 11, 22)
        running = _checksum(page, False, _checksum(head[:8], False, running))
        out += [head, struct.pack(">2I", *running), page]
    return b"".join(out)


def test_the_image_is_the_last_commits_each_pages_last_frame() -> None:
    def page(mark: int) -> bytes:
        return bytes([mark]) * PAGE

    log = _log([(1, 0, page(1)), (2, 2, page(2)), (1, 2, page(3)), (2, 0, page(4))])  # the 4th: not committed
    assert committed_image(log) == page(3) + page(2)


def test_many_commits_are_read_in_linear_time() -> None:
    count = 64_000
    log = _log([(number, number, bytes(PAGE)) for number in range(1, count + 1)])
    started = time.process_time()
    image = committed_image(log)
    spent = time.process_time() - started
    assert image == bytes(PAGE * count)
    assert spent < 6.0, f"{spent:.1f} s of CPU for {count} commits"  # 19 s before, 0.9 s here
