"""A study continued on other data is refused, as a resumed run is (engine/study_data.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nasloop.engine.data.table import Table
from nasloop.search_spaces.nb201.benchmark import TABLE_FILE

from .study_tables import same_and_other_tables


@pytest.fixture
def two_tables(tmp_path: Path, csv_table: Table) -> tuple[Path, Path]:
    return same_and_other_tables(tmp_path, csv_table)


COMPARE = ["compare", "--methods", "random", "--budget", "3", "--quiet"]


def test_a_study_continued_with_another_data_dir_is_refused(tmp_path, two_tables, nasloop_in_process):
    """Seed 0 read one table and seed 1 another, in one study, and study.json then recorded the second folder."""
    same, other = two_tables
    out = tmp_path / "study"
    assert nasloop_in_process([*COMPARE, "--seeds", "1", "--out", str(out), "--data-dir", str(same)]).returncode == 0
    done = nasloop_in_process([*COMPARE, "--seeds", "2", "--out", str(out), "--data-dir", str(other)])
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert re.search(r"seed-0 read val_accuracy [\d.]+ for .* and the nb201 table found now gives [\d.]+: it holds "
                     r"other results, .*continue the study on the data it began with \(--data-dir .*same\), or give "
                     r"--out another folder", lines[0]), lines[0]
    assert not (out / "runs" / "random" / "seed-1").exists()
    assert json.loads((out / "study.json").read_text())["data_dir"] == str(same)
    # the same table elsewhere (an import again) continues it
    again = tmp_path / "again"
    again.mkdir()
    (again / TABLE_FILE).write_bytes((same / TABLE_FILE).read_bytes())
    assert nasloop_in_process([*COMPARE, "--seeds", "2", "--out", str(out), "--data-dir", str(again)]).returncode == 0
    assert (out / "runs" / "random" / "seed-1").is_dir()


def test_a_study_continued_under_another_nasloop_data_is_refused(tmp_path, two_tables, nasloop_in_process,
                                                                  isolated_cache):
    """study.json records no data_dir where $NASLOOP_DATA found the table: a changed variable was not seen."""
    same, other = two_tables
    out = tmp_path / "study"
    assert nasloop_in_process([*COMPARE, "--seeds", "1", "--out", str(out)], env={"NASLOOP_DATA": str(same)}
                              ).returncode == 0
    done = nasloop_in_process([*COMPARE, "--seeds", "2", "--out", str(out)], env={"NASLOOP_DATA": str(other)})
    assert done.returncode == 2 and "continue the study on the data it began with (no --data-dir: the $NASLOOP_DATA" \
        in done.stderr, done.stderr
    forced = nasloop_in_process([*COMPARE, "--seeds", "2", "--out", str(out), "--force-new"],
                                env={"NASLOOP_DATA": str(other)})
    assert forced.returncode == 0 and "the study on other data in" in forced.stderr, forced.stderr
    assert "is set aside as" in forced.stderr and (out / "runs" / "random" / "seed-1").is_dir()
