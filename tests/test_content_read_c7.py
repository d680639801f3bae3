"""A benchmark file's text is read in chunks, not into one buffer as large as the limit on any file.

``content_text`` read ``limit + 1`` bytes in one call, which allocates a buffer of that size first: 2 GB to read
NB101's 12 MB of JSON, so a search under a 1.8 GB address-space limit (``ulimit -v``) stopped on a MemoryError.
"""
from __future__ import annotations

import gzip
import tracemalloc

import pytest

from nasloop.engine.data.sniff import READ_CHUNK, content_text
from nasloop.engine.errors import DataError


@pytest.mark.parametrize("name", ["table.json", "table.json.gz"])
def test_reading_a_small_file_allocates_about_its_size_not_the_limit(tmp_path, name):
    text = '[{"hash": "%s"}]' % ("ab" * 16) * 1000
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    tracemalloc.start()
    try:
        read = content_text(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == text and peak < READ_CHUNK + 8 * len(text)


def test_a_file_read_over_several_chunks_is_whole_and_one_past_the_limit_is_refused(tmp_path):
    text = "x" * (READ_CHUNK + 10)
    path = tmp_path / "big.json.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert content_text(path) == text
    assert content_text(path, limit=len(text)) == text
    with pytest.raises(DataError, match=f"decompresses to over {len(text) - 1} bytes"):
        content_text(path, limit=len(text) - 1)
