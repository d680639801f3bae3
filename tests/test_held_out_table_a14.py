"""A run keeps the held-out values it looked up as it ended with the identity of the table they came from, so that
``nasloop show`` (and a study's report) of it tells a table imported since and looks them up again there: it gave
the old table's values (here none: the test accuracy at 200 epochs the old table lacked) until the run's next resume.
The old table is the NB201 CSV less its CIFAR-10 test accuracy at 200 epochs (as a table imported from a file without
them); the new one is the shipped CSV, put in its place."""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from .kept_held_out_meta import kept_text

CSV = "nasbench201_all.csv.gz"
HEAD = "held-out of chosen at fidelity 200"


def without_final_test_accuracy(source: Path, written: Path) -> None:
    with gzip.open(source, "rt", newline="") as read:
        rows = list(csv.reader(read))
    column = rows[0].index("cifar10_test_200")
    with gzip.open(written, "wt", newline="") as out:
        lines = csv.writer(out)
        lines.writerow(rows[0])
        lines.writerows(row[:column] + ["nan"] + row[column + 1:] for row in rows[1:])


def final_test_accuracy(source: Path, arch: str) -> float:
    with gzip.open(source, "rt", newline="") as read:
        return next(float(row["cifar10_test_200"]) for row in csv.DictReader(read) if row["arch_str"] == arch)


@pytest.fixture()
def old_table(tmp_path: Path, data_dir: Path) -> Path:
    """A data folder holding the table without the final test accuracy."""
    data = tmp_path / "data"
    data.mkdir()
    without_final_test_accuracy(data_dir / CSV, data / CSV)
    return data


def imported_since(data: Path, data_dir: Path) -> None:
    """The shipped table in the old one's place, as an import of it would put it."""
    (data / CSV).unlink()
    (data / CSV).symlink_to(data_dir / CSV)


def test_show_looks_up_again_in_a_table_imported_since(old_table, tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    searched = nasloop_in_process(["search", "--space", "nb201", "--strategy", "random", "--budget", "15",
                                   "--fidelity", "12", "--seed", "1", "--data-dir", str(old_table), "--run-dir",
                                   str(run), "--quiet"])
    assert searched.returncode == 0, searched.stderr
    before = json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)
    assert before["held_out"]["values"][HEAD] is None  # the old table has none (JSON null)
    kept = json.loads(kept_text(run))
    imported_since(old_table, data_dir)
    after = json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)
    assert after["held_out"]["values"][HEAD] == final_test_accuracy(data_dir / CSV, after["best"]["arch"])
    shown = nasloop_in_process(["show", str(run)]).stdout
    assert f"{after['held_out']['values'][HEAD]:.4f}" in shown
    assert kept["table"][0] == str(old_table / CSV)  # the identity the old values were kept with


def test_a_studys_report_looks_up_again_in_a_table_imported_since(old_table, tmp_path, data_dir, nasloop_in_process):
    study = tmp_path / "study"
    done = nasloop_in_process(["compare", "--methods", "random", "--seeds", "1", "--budget", "15", "--fidelity", "12",
                               "--space", "nb201", "--data-dir", str(old_table), "--out", str(study), "--quiet"])
    assert done.returncode == 0, done.stderr
    imported_since(old_table, data_dir)
    assert nasloop_in_process(["report", str(study)]).returncode == 0
    arch = json.loads(nasloop_in_process(["show", "--json", str(study / "runs" / "random" / "seed-0")]).stdout)[
        "best"]["arch"]
    assert f"{final_test_accuracy(data_dir / CSV, arch):.2f}" in (study / "report.md").read_text()
