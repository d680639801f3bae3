"""A run records the dataset it reads, and none where nothing reads one: a user's space without a benchmark,
searched with its own evaluator, showed 'cifar10' in show, report and the run folder's name."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import summarize

from .digit_space import DigitSpace, DigitSum

READ: list[object] = []


class DatasetReader(DigitSum):
    """Says it reads the run's dataset, and does."""

    reads_dataset = True

    def evaluate(self, arch, fidelity=None):
        READ.append(self.context.dataset)
        return super().evaluate(arch, fidelity)


@pytest.fixture(autouse=True)
def _plugins():
    """Registered for one test; the conftest drops them after it."""
    register_search_space("ds-digits")(type("Digits", (DigitSpace,), {"name": "ds-digits"}))
    register_evaluator("ds-sum")(DigitSum)
    register_evaluator("ds-reader")(DatasetReader)


def search(run: Path, *extra: str, evaluator: str = "ds-sum") -> int:
    return main(["search", "--space", "ds-digits", "--evaluator", evaluator, "--strategy", "random", "--budget", "3",
                 "--run-dir", str(run), "--quiet", *extra])


def test_a_run_that_reads_no_dataset_shows_none_and_resumes(tmp_path, capsys):
    run = tmp_path / "run"
    assert search(run) == 0
    assert summarize(run)["dataset"] is None
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    assert "ds-digits / none" in shown and "cifar10" not in shown
    assert main(["report", str(run)]) == 0
    written = (run / "report" / "report.md").read_text()
    assert "ds-digits / none" in written and "cifar10" not in written
    assert main(["search", "--resume", str(run), "--budget", "5", "--quiet"]) == 0
    assert summarize(run)["evaluations"] == 5 and summarize(run)["dataset"] is None


def test_a_default_run_folder_names_no_dataset_the_run_does_not_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["search", "--space", "ds-digits", "--evaluator", "ds-sum", "--strategy", "random", "--budget",
                 "2", "--quiet"]) == 0
    (folder,) = (tmp_path / "runs").iterdir()
    assert folder.name.startswith("ds-digits-random-s0-")


def test_a_dataset_nothing_reads_is_refused_before_the_run_starts(tmp_path, capsys):
    run = tmp_path / "run"
    assert search(run, "--dataset", "cifar100") == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "--dataset cifar100 would be read by nothing" in error
    assert "reads_dataset = True" in error and not run.exists()


def test_an_evaluator_that_reads_the_dataset_gets_and_records_it(tmp_path):
    READ.clear()
    assert search(tmp_path / "default", evaluator="ds-reader") == 0
    assert set(READ) == {"cifar10"} and summarize(tmp_path / "default")["dataset"] == "cifar10"
    READ.clear()
    assert search(tmp_path / "named", "--dataset", "cifar100", evaluator="ds-reader") == 0
    assert set(READ) == {"cifar100"} and summarize(tmp_path / "named")["dataset"] == "cifar100"


def test_an_older_run_that_recorded_cifar10_still_shows_and_resumes(tmp_path, capsys):
    """Runs from before this recorded CIFAR-10 for every space without a benchmark."""
    run = tmp_path / "run"
    assert search(run) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        db.execute("UPDATE meta SET value = json_set(value, '$.dataset', 'cifar10') WHERE key = 'config'")
    assert main(["search", "--resume", str(run), "--budget", "5", "--quiet"]) == 0
    assert summarize(run)["dataset"] == "cifar10" and summarize(run)["evaluations"] == 5


def test_a_study_of_a_space_that_reads_no_dataset_names_none(tmp_path, capsys):
    out = tmp_path / "study"
    assert main(["compare", "--space", "ds-digits", "--evaluator", "ds-sum", "--methods", "random,local",
                 "--seeds", "1", "--budget", "3", "--out", str(out)]) == 0
    assert json.loads((out / "study.json").read_text())["grid"]["dataset"] is None
    assert main(["report", str(out)]) == 0
    assert "# nasloop study: ds-digits / none," in (out / "report.md").read_text()
