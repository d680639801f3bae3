"""The note for a user-cache entry that is no regular file (engine/data/parsed_cache.py) is one of the command's:
found as a benchmark's table loads, where no run's ``on_note`` reaches, it went to logging and was Python's bare
'note: ...' line on stderr, without the 'nasloop search: note:' of the command's other notes. And its removal hint
quoted the path in plain single quotes, so a cache folder holding one (``XDG_CACHE_HOME="$HOME/it's"``) gave a
command the shell could not run; it is quoted with shlex.quote now."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a POSIX shell runs the hint")


def search(run: Path, data_dir: Path, cache: Path) -> subprocess.CompletedProcess:
    """The real ``nasloop search`` over the NB201 table, in a fresh process (whose table is not loaded yet)."""
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "search", "--space", "nb201", "--budget", "3",
                           "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet", "--json"],
                          capture_output=True, text=True, env={**os.environ, "XDG_CACHE_HOME": str(cache)},
                          timeout=300)


def test_a_cache_entry_that_is_a_folder_is_the_commands_note_and_its_hint_removes_it(tmp_path, data_dir):
    cache = tmp_path / "it's cache"
    first = search(tmp_path / "first", data_dir, cache)
    assert first.returncode == 0, first.stderr
    [entry] = (cache / "nasloop" / "parsed").glob("nb201-csv-*.npz")
    entry.unlink()
    (entry / "made by hand").mkdir(parents=True)  # a folder at the entry's path, as a sync may leave one
    done = search(tmp_path / "second", data_dir, cache)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stderr.splitlines() if "the cache entry" in line]
    assert line.startswith(f"nasloop search: note: the cache entry {entry} is not a regular file"), line  # was 'note:'
    hint = line.rpartition("remove it (")[2]
    assert hint.endswith(")"), line
    removed = subprocess.run(["sh", "-c", hint[:-1]], capture_output=True, text=True, timeout=60)
    assert removed.returncode == 0 and not entry.exists(), (hint, removed.stderr)  # was a shell's syntax error
