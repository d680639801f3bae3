"""NAS-Bench-Suite-Zero's proxy files are parsed once and their scores kept in the user cache folder for the next
process, as the benchmark tables are: NB201's file took 1.4 s of CPU in every process that read a stored proxy (a
predictor-guided search's zero-cost warm-up, a proxy search, each test subprocess of either). A damaged entry is
parsed again and rewritten; a rewritten file is read again, and refused as it was."""
from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.data.parsed_cache import KEY
from nasloop.engine.data.paths import user_cache_dir
from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb201.benchmark import SUITE_ZERO
from nasloop.search_spaces.suite_zero_csv import ProxyFile, load_proxy_file
from nasloop.search_spaces.tnb101.benchmark import TNB101MicroBenchmark

MICRO = TNB101MicroBenchmark.suite_zero_file


@pytest.fixture
def copies(tmp_path, data_dir, isolated_cache) -> Path:
    """Copies of both proxy files, which tests may damage, and an empty cache folder."""
    for source in (SUITE_ZERO, MICRO):
        shutil.copyfile(data_dir / source.name, tmp_path / source.name)
    return tmp_path


def read(source: ProxyFile, path: Path) -> dict[str, dict[str, np.ndarray]]:
    """The file's scores as a fresh process reads them: past this process's own memo."""
    return load_proxy_file.__wrapped__(source, str(path), path.stat().st_mtime)


def entries() -> list[Path]:
    return sorted((user_cache_dir() / "parsed").glob("suite-zero-*.npz"))


def same(first: dict[str, dict[str, np.ndarray]], second: dict[str, dict[str, np.ndarray]]) -> bool:
    return first.keys() == second.keys() and all(
        first[t].keys() == second[t].keys() and all(first[t][p].tobytes() == second[t][p].tobytes() for p in first[t])
        for t in first)


@pytest.mark.parametrize("source", [SUITE_ZERO, MICRO], ids=["nb201", "tnb101-micro"])
def test_the_next_read_of_a_proxy_file_loads_the_kept_scores(copies, source, monkeypatch, tmp_path):
    path = copies / source.name
    blocker = tmp_path / "a file"
    blocker.write_text("no cache folder can be made under a file")
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(blocker))
        parsed = read(source, path)  # parsed, nothing kept
    assert entries() == []
    assert same(read(source, path), parsed)  # parsed again, and kept
    kept, = entries()
    assert same(read(source, path), parsed)  # loaded: the same scores, NaNs where the parse has them
    with np.load(kept) as data:  # the entry is what the next read returns: edited, the edit is read
        columns = {name: data[name] for name in data.files}
    task = next(iter(parsed))
    columns[f"{task}:params"] = columns[f"{task}:params"] + 1.0
    np.savez(kept, **columns)
    assert read(source, path)[task]["params"][0] == parsed[task]["params"][0] + 1.0
    assert entries() == [kept]  # the other space's file is another entry; this one is not written twice


@pytest.mark.parametrize("damage", ["cut short", "a column short", "a proxy missing", "another task"])
def test_a_damaged_entry_is_parsed_again_and_rewritten(copies, damage):
    path = copies / MICRO.name
    parsed = read(MICRO, path)
    kept, = entries()
    with np.load(kept) as data:
        columns = {name: data[name] for name in data.files}
    if damage == "cut short":
        kept.write_bytes(kept.read_bytes()[:50_000])
    elif damage == "a column short":
        np.savez(kept, **{name: values if name == KEY else values[:-1] for name, values in columns.items()})
    elif damage == "a proxy missing":
        np.savez(kept, **{name: values for name, values in columns.items() if not name.endswith(":zen")})
    else:
        np.savez(kept, **{name.replace("class_scene:", "cifar10:"): values for name, values in columns.items()})
    assert same(read(MICRO, path), parsed)
    with np.load(kept) as data:
        assert same({"class_scene": {name.partition(":")[2]: data[name] for name in data.files if name != KEY}},
                    parsed)


def test_a_rewritten_file_is_read_again_and_refused_as_before(copies):
    path = copies / MICRO.name
    read(MICRO, path)
    rows = list(csv.reader(io.StringIO(gzip.decompress(path.read_bytes()).decode())))
    rows[1][rows[0].index("synflow")] = "inf"
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode(), compresslevel=1))
    with pytest.raises(DataError, match="synflow is 'inf', not a finite number"):
        read(MICRO, path)
