"""A study an older nasloop began with an evaluator option past a bound added since (``replicates``, a new run's
bound) gains a new method with the same command: the method's runs share the study's grid, whose evaluator options
ran in every stored run and are the study's stored ones, so they are read as stored, as the stored methods' next
seeds read them; the new method was refused as a new run past the bound. Its own options are a new run's: a value of
its own past a bound is still refused in one line, as is a new study past the bound."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.store import DB_NAME

pytestmark = pytest.mark.usefixtures("isolated_cache")

PAST = 1001
"""replicates past the bound of 1,000 a new run is held to."""


def compare(study: Path, data_dir: Path, methods: str, replicates: int) -> list[str]:
    return ["compare", "--methods", methods, "--seeds", "1", "--budget", "1", "--space", "nb201", "--space-opt",
            "channels=8", "--space-opt", "cells=1", "--evaluator", "proxy", "--evaluator-opt", "proxies=params",
            "--evaluator-opt", f"replicates={replicates}", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]


def stored_config(run: Path) -> dict:
    with sqlite3.connect(run / DB_NAME) as db:
        return json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])


def older_study(study: Path, data_dir: Path, nasloop_in_process) -> None:
    """A study of random search with seed 0 finished at ``replicates`` = :data:`PAST`: made with 2, then its
    study.json and its run rewritten to the value an older nasloop took."""
    done = nasloop_in_process(compare(study, data_dir, "random", 2))
    assert done.returncode == 0, done.stderr
    record = json.loads((study / "study.json").read_text())
    record["grid"]["evaluator_options"]["replicates"] = PAST
    (study / "study.json").write_text(json.dumps(record))
    run = study / "runs" / "random" / "seed-0"
    config = stored_config(run)
    config["evaluator_options"]["replicates"] = PAST
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.close()


def test_a_new_method_runs_on_the_stored_evaluator_option_past_a_bound(nasloop_in_process, data_dir, tmp_path):
    study = tmp_path / "study"
    older_study(study, data_dir, nasloop_in_process)
    done = nasloop_in_process(compare(study, data_dir, "random,local", PAST))
    assert done.returncode == 0, done.stderr
    assert "| random | 1 |" in done.stdout and "| local | 1 |" in done.stdout, done.stdout
    run = study / "runs" / "local" / "seed-0"
    assert stored_config(run)["evaluator_options"]["replicates"] == PAST
    with sqlite3.connect(run / DB_NAME) as db:
        (metrics,) = db.execute("SELECT metrics FROM trials").fetchone()
    db.close()
    assert json.loads(metrics)["replicates"] == PAST  # every draw scored, as in the study's stored run


def one_line(done) -> str:
    line = done.stderr.strip()
    assert done.returncode == 2 and "\n" not in line and "Traceback" not in line, (done.returncode, line)
    return line


def test_a_new_value_past_a_bound_is_still_refused(nasloop_in_process, data_dir, tmp_path):
    study = tmp_path / "study"
    older_study(study, data_dir, nasloop_in_process)
    line = one_line(nasloop_in_process(compare(study, data_dir, "random,evolution+population_size=20000000", PAST)))
    assert line == ("nasloop compare: error: method 'evolution+population_size=20000000': strategy 'evolution' "
                    "option population_size must be an integer >= 2 and <= 10000000, got 20000000")
    line = one_line(nasloop_in_process(compare(tmp_path / "other", data_dir, "random,local", PAST)))
    assert "evaluator 'proxy' option replicates must be an integer >= 1 and <= 1000, got 1001" in line, line
    assert not (study / "runs" / "evolution+population_size_20000000").exists()
    assert not (tmp_path / "other").exists()
