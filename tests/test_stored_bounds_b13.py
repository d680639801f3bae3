"""Options an older nasloop stored past a bound added since: a study, a run, a tested run or a proxy file it began is
continued with the same command where the bound is a new run's (a strategy's pool), and otherwise refused in one line
that says the value is a stored one and how to go on (a learning rate past 1e30, a proxy batch past 50,000). Each
stored record is written as the older nasloop wrote it: a study.json naming the method, a run's stored configuration,
a proxy file's settings line."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nasloop.engine.store import DB_NAME

pytestmark = pytest.mark.usefixtures("isolated_cache")

OLD = "evolution+population_size=20000000"
"""A method an older nasloop ran: evolution's population_size is bounded at 10,000,000 since."""


def _one_line(done) -> str:
    line = done.stderr.strip()
    assert done.returncode == 2 and "\n" not in line, (done.returncode, done.stdout, line)
    assert "Traceback" not in line and "unexpected" not in line, line
    return line


def _store_option(run: Path, part: str, key: str, value: Any) -> None:
    """Write ``key: value`` into the run's stored configuration (``part``: its strategy, predictor or evaluator
    options), as a nasloop that took the value stored it."""
    with sqlite3.connect(run / DB_NAME) as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config[part][key] = value
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.close()


def _older_study(study: Path, data_dir: Path, nasloop_in_process) -> None:
    """A study of ``OLD`` with seed 0 finished: made with population_size=10, then its study.json and its run
    rewritten to the value the older nasloop took."""
    done = nasloop_in_process(["compare", "--methods", "evolution+population_size=10", "--seeds", "1", "--budget",
                               "4", "--out", str(study), "--data-dir", str(data_dir), "--quiet"])
    assert done.returncode == 0, done.stderr
    record = json.loads((study / "study.json").read_text())
    [method] = record["methods"]
    method.update(label=OLD, strategy_options={"population_size": 20_000_000})
    record["folders"] = {OLD: "evolution+population_size_20000000"}
    record["sources"] = {OLD: {"file": None, "entry": None}}
    (study / "study.json").write_text(json.dumps(record))
    runs = study / "runs"
    (runs / "evolution+population_size_10").rename(runs / "evolution+population_size_20000000")
    _store_option(runs / "evolution+population_size_20000000" / "seed-0", "strategy_options", "population_size",
                  20_000_000)


def test_a_study_begun_past_a_new_runs_bound_gains_seeds_with_the_same_command(nasloop_in_process, data_dir,
                                                                               tmp_path):
    study = tmp_path / "study"
    _older_study(study, data_dir, nasloop_in_process)
    done = nasloop_in_process(["compare", "--methods", OLD, "--seeds", "2", "--budget", "4", "--out", str(study),
                               "--data-dir", str(data_dir), "--quiet"])
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr, done.stderr
    assert f"| {OLD} | 2 |" in done.stdout, done.stdout  # both seeds in the table: seed 1 ran
    seed_1 = study / "runs" / "evolution+population_size_20000000" / "seed-1"
    with sqlite3.connect(seed_1 / DB_NAME) as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    db.close()
    assert config["strategy_options"]["population_size"] == 20_000_000


def test_a_study_begun_past_a_bound_continues_its_method_when_another_is_added(nasloop_in_process, data_dir,
                                                                             tmp_path):
    study = tmp_path / "study"
    _older_study(study, data_dir, nasloop_in_process)
    record = json.loads((study / "study.json").read_text())
    record["seeds"] = [0, 1]  # an interrupted study: seed 1 never ran
    (study / "study.json").write_text(json.dumps(record))
    done = nasloop_in_process(["compare", "--methods", "random", "--seeds", "1", "--budget", "4", "--out",
                               str(study), "--data-dir", str(data_dir), "--quiet"])
    assert done.returncode == 0, done.stderr
    assert f"| {OLD} | 2 |" in done.stdout and "| random | 2 |" in done.stdout, done.stdout


@pytest.mark.parametrize("where", ["new folder", "--force-new"])
def test_a_new_study_past_the_bound_is_still_refused(where, nasloop_in_process, data_dir, tmp_path):
    study = tmp_path / "study"
    _older_study(study, data_dir, nasloop_in_process)
    out, extra = (tmp_path / "other", []) if where == "new folder" else (study, ["--force-new"])
    line = _one_line(nasloop_in_process(["compare", "--methods", OLD, "--seeds", "1", "--budget", "4", "--out",
                                         str(out), "--data-dir", str(data_dir), "--quiet", *extra]))
    assert "option population_size must be an integer >= 2 and <= 10000000, got 20000000" in line, line
    assert (study / "study.json").is_file() and not (tmp_path / "other").exists()


def test_a_run_resumed_with_a_stored_learning_rate_past_the_bound_says_so_in_one_line(nasloop_in_process, data_dir,
                                                                                     tmp_path):
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--strategy", "bananas", "--predictor", "mlp", "--strategy-opt", "num_init=2",
                               "--predictor-opt", "epochs=5", "--budget", "3", "--run-dir", str(run), "--data-dir",
                               str(data_dir), "--quiet"])
    assert done.returncode == 0, done.stderr
    _store_option(run, "predictor_options", "lr", 1e31)
    line = _one_line(nasloop_in_process(["search", "--resume", str(run), "--budget", "5", "--quiet"]))
    assert line == ("nasloop search: error: predictor 'mlp' option lr is stored as 1e+31, which an older nasloop took "
                    "and this one bounds (a number > 0 and <= 1e+30); a stored run keeps its options and cannot go on "
                    "with this one: start a new run (or study) with a value in range"), line
    shown = nasloop_in_process(["show", str(run)])
    assert shown.returncode == 0, shown.stderr


def test_testing_a_run_with_a_stored_learning_rate_past_the_bound_says_so_in_one_line(nasloop_in_process, data_dir,
                                                                                     tmp_path):
    run = tmp_path / "run"
    done = nasloop_in_process([
        "search", "--space", "nb201", "--evaluator", "train", "--epochs", "1", "--strategy", "random", "--budget", "1",
        "--space-opt", "channels=8", "--space-opt", "cells=1", "--evaluator-opt", "train_images=200",
        "--evaluator-opt", "batch_size=32", "--evaluator-opt", "test=false", "--quiet", "--run-dir", str(run),
        "--data-dir", str(data_dir)])
    assert done.returncode == 0, done.stderr
    _store_option(run, "evaluator_options", "lr", 1e31)
    line = _one_line(nasloop_in_process(["test", str(run)]))
    assert "evaluator 'train' option lr is stored as 1e+31, which an older nasloop took" in line, line
    assert "start a new run (or study) with a value in range" in line and not (run / "tested.json").exists()


@pytest.mark.parametrize("flags", [["--batch-size", "60000"], []], ids=["its-batch", "default-batch"])
def test_a_proxy_file_scored_past_the_batch_bound_is_refused_with_the_way_on(flags, nasloop_in_process, data_dir,
                                                                             tmp_path):
    out = tmp_path / "proxies.csv"
    command = ["proxies", "--sample", "2", "--proxies", "synflow", "--out", str(out), "--data-dir", str(data_dir)]
    assert nasloop_in_process(command).returncode == 0
    text = out.read_text()
    assert '"batch_size": 64' in text
    out.write_text(text.replace('"batch_size": 64', '"batch_size": 60000'))
    line = _one_line(nasloop_in_process([*command, *flags]))
    assert line == (f"nasloop proxies: error: {out} was scored with batch size 60000, over the 50,000 a proxy "
                    "mini-batch now takes (an older nasloop took it), and its rows cannot be continued with another; "
                    "write them to another --out with --batch-size up to 50,000"), line


def test_a_study_of_more_seeds_than_the_bound_is_told_how_to_go_on(nasloop_in_process, tmp_path):
    line = _one_line(nasloop_in_process(["compare", "--methods", "random", "--seeds", "10001", "--out",
                                         str(tmp_path / "study")]))
    assert "must be <= 10000" in line and "a study stored with more (a search study, or a predictor study's " \
                                          "predictors and sizes) goes on with all of them under any smaller --seeds" \
                                          in line, line


def test_a_study_stored_with_more_seeds_than_the_bound_keeps_them_under_a_smaller_seeds(nasloop_in_process, data_dir,
                                                                                       tmp_path):
    from nasloop.engine.study import open_study
    from nasloop.engine.study_file import load_study
    from nasloop.engine.study_run import plan_study

    study = tmp_path / "study"
    done = nasloop_in_process(["compare", "--methods", "random", "--seeds", "1", "--budget", "4", "--out", str(study),
                               "--data-dir", str(data_dir), "--quiet"])
    assert done.returncode == 0, done.stderr
    record = json.loads((study / "study.json").read_text())
    record["seeds"] = list(range(10_001))
    (study / "study.json").write_text(json.dumps(record))
    stored = load_study(study)
    continued = open_study(study, stored.base, stored.methods, [0, 1])
    assert continued.seeds == list(range(10_001))
    pending, kept = plan_study(continued)
    assert len(pending) == 10_000 and len(kept) == 1
