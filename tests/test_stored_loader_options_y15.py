"""A run or study an older nasloop began with an image-folder loader option on CIFAR-10 at its default
(``--evaluator-opt resolution=64``, which that nasloop let through) goes on as it began: since such an option is refused
at any value given, ``nasloop test RUN`` of it, and the study's next seeds or a method added with the same command,
were refused too, though those runs trained. Options read as a stored run's (``stored_options``) are no option a new
run was given; a new search or study with one is still refused. Each stored record is written as the older nasloop
wrote it: the option in the run's stored configuration and in the study's grid."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.store import DB_NAME

pytestmark = pytest.mark.usefixtures("isolated_cache")

SMALL = ["--space", "nb201", "--evaluator", "train", "--evaluator-opt", "train_images=100", "--evaluator-opt",
         "test=false", "--space-opt", "channels=4", "--space-opt", "cells=1"]
"""A training of seconds, its test split left for 'nasloop test'."""
REFUSED = ("resolution=64 is an option of --dataset imagenet's loader and training reads cifar10; drop it or use "
           "--dataset imagenet")


def _store_resolution(run: Path) -> None:
    """Write ``resolution: 64`` into the run's stored evaluator options, as an older nasloop that took it stored it."""
    with sqlite3.connect(run / DB_NAME) as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config["evaluator_options"]["resolution"] = 64
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.close()


def test_a_run_stored_with_the_option_is_tested_and_resumed(nasloop_in_process, data_dir: Path, tmp_path: Path):
    run = tmp_path / "run"
    done = nasloop_in_process(["search", *SMALL, "--epochs", "1", "--budget", "1", "--data-dir", str(data_dir),
                               "--run-dir", str(run), "--quiet"])
    assert done.returncode == 0, done.stderr
    _store_resolution(run)
    tested = nasloop_in_process(["test", str(run), "--json"])
    assert tested.returncode == 0, tested.stderr  # was 2: the refusal of a new run's option
    [record] = json.loads(tested.stdout)
    assert record["from_checkpoint"] and 0 <= record["test_accuracy"] <= 100, record
    resumed = nasloop_in_process(["search", "--resume", str(run), "--budget", "2", "--json"])
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["evaluations"] == 2
    new = nasloop_in_process(["search", *SMALL, "--evaluator-opt", "resolution=64", "--epochs", "1", "--budget", "1",
                              "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "new"), "--quiet"])
    assert (new.returncode, new.stderr.strip()) == (2, f"nasloop search: error: {REFUSED}")


def test_a_study_stored_with_the_option_gains_seeds_and_a_method(nasloop_in_process, data_dir: Path,
                                                                 tmp_path: Path):
    study = tmp_path / "study"
    common = ["compare", *SMALL, "--fidelity", "1", "--budget", "1", "--data-dir", str(data_dir), "--quiet"]
    done = nasloop_in_process([*common, "--methods", "random", "--seeds", "1", "--out", str(study)])
    assert done.returncode == 0, done.stderr
    record = json.loads((study / "study.json").read_text())
    record["grid"]["evaluator_options"]["resolution"] = 64
    (study / "study.json").write_text(json.dumps(record))
    _store_resolution(study / "runs" / "random" / "seed-0")
    again = [*common, "--evaluator-opt", "resolution=64", "--out", str(study)]  # the command the study began with
    seeds = nasloop_in_process([*again, "--methods", "random", "--seeds", "2"])
    assert seeds.returncode == 0, seeds.stderr  # was 2: the stored option refused as a new run's
    added = nasloop_in_process([*again, "--methods", "random,evolution", "--seeds", "2"])
    assert added.returncode == 0, added.stderr
    assert sorted(p.name for p in (study / "runs" / "evolution").iterdir()) == ["seed-0", "seed-1"]
    assert (study / "runs" / "random" / "seed-1" / DB_NAME).is_file()
    new = nasloop_in_process([*again[:-1], str(tmp_path / "new"), "--methods", "random", "--seeds", "1"])
    assert (new.returncode, new.stderr.strip()) == (2, f"nasloop compare: error: {REFUSED}")
