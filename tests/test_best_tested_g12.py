"""``nasloop test RUN --top K`` measures the test accuracy of a training search's K best architectures alone.

A search with ``--evaluator-opt test=false`` measures no test split, so nothing it chose could have read it; there
was then no way to measure the chosen architectures' test accuracy but to train each again by hand with every option
of the run. Checked here on the real CIFAR-10 subset at a tiny size: the test accuracy it gives is the one a search
measuring the test split stored for the same network, read from the run's checkpoints (or trained again where they
are gone), each result kept beside the run as it completes.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

from .messages import one_line

TINY = ["--space", "nb201", "--evaluator", "train", "--epochs", "1", "--strategy", "random", "--budget", "2",
        "--space-opt", "channels=8", "--space-opt", "cells=1", "--evaluator-opt", "train_images=200",
        "--evaluator-opt", "batch_size=32", "--quiet"]


def _search(run: Path, data_dir: Path, *flags: str) -> list:
    assert main(["search", *TINY, *flags, "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    with RunStore.in_run_dir(run, readonly=True) as store:
        return store.evaluations()


def _tested(run: Path, capsys: pytest.CaptureFixture[str], top: int) -> list[dict]:
    capsys.readouterr()
    assert main(["test", str(run), "--top", str(top), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_best_architectures_test_accuracy_is_measured_on_the_networks_the_search_trained(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blind, seen = tmp_path / "blind", tmp_path / "seen"
    trials = _search(blind, data_dir, "--evaluator-opt", "test=false")
    measured = {t.arch: t.result.metrics for t in _search(seen, data_dir)}  # the same proposals, test split on
    assert all("test_accuracy" not in t.result.metrics for t in trials)
    ranked = sorted(trials, key=lambda t: (-t.score, t.id))
    assert len({t.arch for t in ranked}) == 2 and set(measured) == {t.arch for t in ranked}

    first = _tested(blind, capsys, 1)
    assert [(r["rank"], r["trial"]) for r in first] == [(1, ranked[0].id)]  # the one the run returns
    assert first[0]["searched"] == ranked[0].result.metrics["val_accuracy"] == first[0]["val_accuracy"]
    assert first[0]["from_checkpoint"] and first[0]["epochs"] == 1
    assert first[0]["test_accuracy"] == pytest.approx(measured[ranked[0].arch]["test_accuracy"], abs=1e-9)
    stored = json.loads((blind / "tested.json").read_text(encoding="utf-8"))["tested"]
    assert [r["arch"] for r in stored] == [ranked[0].arch]  # kept beside the run

    shutil.rmtree(blind / "checkpoints")  # the first is read from tested.json, the second trained again
    again = _tested(blind, capsys, 2)
    assert again[0] == first[0] and again[1]["rank"] == 2 and again[1]["trial"] == ranked[1].id
    assert not again[1]["from_checkpoint"] and again[1]["val_accuracy"] == ranked[1].result.metrics["val_accuracy"]
    assert again[1]["test_accuracy"] == pytest.approx(measured[ranked[1].arch]["test_accuracy"], abs=1e-9)
    assert len(json.loads((blind / "tested.json").read_text(encoding="utf-8"))["tested"]) == 2

    assert main(["test", str(seen)]) == 2  # its trials measured the test split: nothing to add
    one_line(capsys.readouterr().err.strip(), "measured test_accuracy already", "test=false", "nasloop show")
    assert not (seen / "tested.json").exists()


def test_a_table_run_is_refused_in_one_line(tmp_path: Path, data_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["search", "--budget", "3", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["test", str(run)]) == 2
    one_line(capsys.readouterr().err.strip(), "--evaluator tabular, not train", f"nasloop show {run}")
