"""A continued study's data check (engine/study_data.py) reads its first run's finished trials once: it read them to
skip a damaged run, and again to ask them of the data found now. A damaged run is still skipped (the report names
it), and a run holding other results than the data found now still refuses the study."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.data.table import Table
from nasloop.engine.run_parts import build_parts
from nasloop.engine.store import RunStore
from nasloop.engine.study_file import load_study
from nasloop.engine.study_data import check_study_data

from .study_tables import same_and_other_tables

DONE = "state = 'done' AND status = 'ok'"
COMPARE = ["compare", "--methods", "random", "--budget", "3", "--quiet"]


@pytest.fixture
def two_tables(tmp_path: Path, csv_table: Table) -> tuple[Path, Path]:
    return same_and_other_tables(tmp_path, csv_table)


def _study(run, out: Path, seeds: int, data: Path):
    return run([*COMPARE, "--seeds", str(seeds), "--out", str(out), "--data-dir", str(data)])


def test_the_first_run_s_finished_trials_are_read_once(tmp_path, two_tables, nasloop_in_process, monkeypatch):
    same, _ = two_tables
    out = tmp_path / "study"
    assert _study(nasloop_in_process, out, 1, same).returncode == 0
    study = load_study(out)
    method = study.methods[0]
    space, _, evaluator = build_parts(study.config(method, 0))
    reads: list[Path] = []
    trials = RunStore.trials

    def counted(store: RunStore, where: str = "", params: tuple = ()):
        if where == DONE:
            reads.append(Path(store.path))
        return trials(store, where, params)

    monkeypatch.setattr(RunStore, "trials", counted)
    check_study_data(study, space, evaluator)
    assert reads == [study.run_dir(method, 0) / "nasloop.sqlite"]


def test_a_damaged_first_run_is_skipped_and_a_mismatch_still_refused(tmp_path, two_tables, nasloop_in_process):
    same, other = two_tables
    out = tmp_path / "study"
    assert _study(nasloop_in_process, out, 2, same).returncode == 0
    db = sqlite3.connect(out / "runs" / "random" / "seed-0" / "nasloop.sqlite")
    with db:  # a finished trial's row no reader takes: the run is damaged
        db.execute("UPDATE trials SET fidelity = -3 WHERE id = 2")
    db.close()
    refused = _study(nasloop_in_process, out, 3, other)  # asked of seed-1, the first run whose trials read
    assert refused.returncode == 2 and re.search(r"seed-1 read val_accuracy [\d.]+ for .* it holds other results",
                                                 refused.stderr), refused.stderr
    assert not (out / "runs" / "random" / "seed-2").exists()
    done = _study(nasloop_in_process, out, 3, same)  # the same data: the study goes on, and names the damaged run
    assert (out / "runs" / "random" / "seed-2").is_dir(), done.stderr
    assert done.returncode == 1 and "random seed 0: damaged (" in done.stderr and "trial 2 has fidelity -3" \
        in done.stderr, done.stderr
