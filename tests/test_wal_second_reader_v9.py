"""Two readers of a 0-byte store beside its write-ahead log (two 'show's at once): the second, having found the
store empty and the log there, reads the log after the first rebuilt the store and set the log aside. It was refused
as 'cannot be read (No such file or directory)', or, once the first's SQLite had made a new log, as 'holds no
committed run; delete both files', a sound store in front of it; it now reads the store the first rebuilt."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store_wal_rescue import rescue_from_log

from .test_store_wal_rescue_d9 import _killed_store


def test_a_reader_after_another_rescued_the_store_reads_it(tmp_path: Path, data_dir: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    _, killed = _killed_store(tmp_path, data_dir)
    store = killed / "nasloop.sqlite"
    assert main(["show", str(killed)]) == 0  # the first reader: rebuilt, the log set aside
    rebuilt = store.read_bytes()
    assert rebuilt and (killed / "nasloop.sqlite-wal.before-rescue").is_file()
    log = killed / "nasloop.sqlite-wal"
    log.unlink(missing_ok=True)  # the moment between the first's setting the log aside and its SQLite's new one
    rescue_from_log(store)  # the second, past its checks of the empty store and of the log
    log.write_bytes(b"")  # the new log the first's SQLite made
    rescue_from_log(store)
    assert store.read_bytes() == rebuilt
    capsys.readouterr()
    assert main(["show", str(killed), "--json"]) == 0
