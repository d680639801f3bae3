"""What survives two writers, a full disk, a read-only place, a failed run and a bad table.

Each test runs the real ``nasloop`` (a subprocess where a second process or a kill is the point)
on the real NB201 table, and checks what the README's "What nasloop guarantees" promises.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.table import Table
from nasloop.engine.errors import DataError
from nasloop.engine import search as search_module
from nasloop.engine.run_lock import LOCK_NAME, RunLock, is_being_searched
from nasloop.engine.search import default_run_dir, resume, search, summarize
from nasloop.engine.store import RunStore

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def nasloop(*argv: str, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", *argv], cwd=cwd, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_lock_holder(run_dir: Path, proc: subprocess.Popen, limit_s: float = 120) -> int:
    """The pid written into the run's lock file once ``proc`` holds it."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        lock = run_dir / "nasloop.lock"
        text = lock.read_text().strip() if lock.exists() else ""
        if text == str(proc.pid) and (run_dir / "nasloop.sqlite").exists():
            return proc.pid
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the search never took its lock")


def count_trials(run_dir: Path) -> int:
    db = sqlite3.connect(f"file:{run_dir / 'nasloop.sqlite'}?mode=ro", uri=True)
    try:  # closed, not just committed: an open file would keep a test's tmpfs from unmounting
        return db.execute("SELECT COUNT(*) FROM trials WHERE state != 'duplicate'").fetchone()[0]
    finally:
        db.close()


def test_a_second_writer_is_refused_naming_the_holder_and_readers_keep_working(tmp_path, data_dir):
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
    with RunLock(run):  # this test process is the writer
        second = nasloop("search", "--resume", str(run), "--budget", "40", "--quiet")
        _, err = second.communicate(timeout=120)
        shown = nasloop("show", str(run), "--json")
        shown_out, shown_err = shown.communicate(timeout=120)
        exported = nasloop("export", str(run), str(tmp_path / "out.csv"))
        exported.communicate(timeout=120)
    assert second.returncode == 2
    assert err.strip() == (f"nasloop search: error: {run} is being searched by process {os.getpid()}; wait for it "
                           f"to finish, or stop it and continue with 'nasloop search --resume {run}'")
    assert shown.returncode == 0 and json.loads(shown_out)["evaluations"] == 5, shown_err
    assert exported.returncode == 0 and len((tmp_path / "out.csv").read_text().splitlines()) == 6


def test_deleting_the_lock_file_lets_no_second_writer_in(tmp_path, data_dir):
    """The lock was the file's: a search started after someone removed nasloop.lock locked a fresh file."""
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
    with RunLock(run):
        (run / LOCK_NAME).unlink()
        second = nasloop("search", "--resume", str(run), "--budget", "40", "--quiet")
        _, err = second.communicate(timeout=120)
        assert is_being_searched(run)  # show tells it from a killed search still
    assert second.returncode == 2
    assert err.strip() == (f"nasloop search: error: {run} is being searched by another process; wait for it to "
                           f"finish, or stop it and continue with 'nasloop search --resume {run}'")
    assert count_trials(run) == 5


def test_two_resumes_started_at_once_evaluate_nothing_twice(tmp_path, data_dir):
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
    both = [nasloop("search", "--resume", str(run), "--budget", "3000", "--quiet") for _ in range(2)]
    outcomes = [(proc.returncode, proc.communicate(timeout=600)[1]) for proc in both]
    outcomes = [(proc.returncode, err) for proc, (_, err) in zip(both, outcomes)]
    assert sorted(code for code, _ in outcomes)[0] == 0 and all(code in (0, 2) for code, _ in outcomes)
    assert all("is being searched by process" in err for code, err in outcomes if code == 2), outcomes
    assert count_trials(run) == 3000


def test_a_killed_writer_leaves_no_stale_lock(tmp_path, data_dir):
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
    writer = nasloop("search", "--resume", str(run), "--budget", "4000", "--quiet")
    wait_for_lock_holder(run, writer)
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=60)
    summary = resume(run, budget=200)
    assert summary["status"] == "finished" and summary["evaluations"] == 200


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_a_full_disk_stops_cleanly_and_resume_continues(tmp_path, data_dir, nasloop_in_process):
    """A 128 KB tmpfs where the platform allows mounting one (root on Linux)."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "size=128k"):
        pytest.skip("cannot mount a tmpfs here; test_sqlite_full_mid_search_resumes_exactly covers SQLITE_FULL")
    try:
        done = nasloop_in_process(["search", "--strategy", "random", "--budget", "300", "--quiet", "--data-dir",
                                   str(data_dir), "--run-dir", str(disk / "run")])
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip() == ("nasloop search: error: the disk is full (database or disk is full); free "
                                       f"some space; then continue with 'nasloop search --resume {disk / 'run'}'")
        stored = count_trials(disk / "run")
        assert 0 < stored < 300
        filler = disk / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as fh:  # take whatever room is left
            fh.write(b"\0" * (os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize + 4096))
        exported = nasloop_in_process(["export", str(disk / "run"), str(disk / "all.json"), "--all"])
        filler.unlink()
        assert exported.returncode == 2 and exported.stderr.count("\n") == 1 and "No space left" in exported.stderr
        assert not (disk / "all.json").exists() and not list(disk.glob(".all.json.part"))
        subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)
        summary = resume(disk / "run")
        assert summary["status"] == "finished" and summary["evaluations"] == 300
    finally:
        unmounted = subprocess.run(["umount", str(disk)], capture_output=True).returncode == 0
    assert unmounted, "a file on the full disk was left open (this process ran the commands)"


def test_sqlite_full_mid_search_resumes_exactly(tmp_path, data_dir, monkeypatch):
    """SQLite's own size limit gives the same SQLITE_FULL as a full disk, on every platform."""
    config = SearchConfig(strategy="evolution", budget=120, seed=4, data_dir=str(data_dir))
    reference = search(config.replace(run_dir=str(tmp_path / "reference")))
    run = tmp_path / "run"
    opened = RunStore.__init__

    def with_little_room(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages + 3}")

    monkeypatch.setattr(RunStore, "__init__", with_little_room)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        search(config.replace(run_dir=str(run)))
    monkeypatch.undo()
    assert 0 < count_trials(run) < 120
    summary = resume(run)
    assert summary["evaluations"] == 120 and summary["best"] == reference["best"]


@pytest.mark.parametrize("key, objectives", [("strategy", None), ("objectives", ["val_accuracy:max", "params_m:min"])])
def test_a_configuration_cut_down_by_hand_is_refused_on_resume(tmp_path, data_dir, key, objectives):
    # It resumed on the defaults: another strategy, or a multi-objective run as a single-objective one.
    summary = search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), objectives=objectives,
                                  run_dir=str(tmp_path / "run")))
    with sqlite3.connect(tmp_path / "run" / "nasloop.sqlite") as db:
        (text,) = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
        config = json.loads(text)
        del config[key]
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    with pytest.raises(DataError, match=f"is damaged: its run configuration has no '{key}'; restore the file"):
        resume(summary["run_dir"], budget=10)


def test_a_read_only_place_is_one_line(tmp_path, data_dir, capsys):
    place = tmp_path / "ro"
    if not _mount_tmpfs(place, "size=1m"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        run = tmp_path / "good"
        search(SearchConfig(strategy="random", budget=5, data_dir=str(data_dir), run_dir=str(run)))
        shutil.copytree(run, place / "done")
        if subprocess.run(["mount", "-o", "remount,ro", str(place)], capture_output=True).returncode:
            pytest.skip("cannot make the tmpfs read-only here")
        assert main(["search", "--data-dir", str(data_dir), "--budget", "3", "--quiet", "--run-dir",
                     str(place / "run")]) == 2
        assert main(["export", str(run), str(place / "out.csv")]) == 2
        assert main(["search", "--data-dir", str(data_dir), "--budget", "3", "--quiet", "--run-dir",
                     str(tmp_path / "logged"), "--tensorboard", str(place / "tb")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"nasloop search: error: cannot create the run folder {place / 'run'}: Read-only file "
                       "system; choose a writable --run-dir",
                       f"nasloop export: error: cannot write {place / 'out.csv'}: Read-only file system; choose a "
                       "writable place with free space",
                       f"nasloop search: error: cannot create the TensorBoard log folder {place / 'tb'}: Read-only "
                       "file system; choose a writable --tensorboard"]
        assert not (tmp_path / "logged").exists()  # refused before the run's folder was made
        # each said "cannot access X: Read-only file system", a resume adding "; then continue with 'nasloop search
        # --resume X'" (or "then the run had already finished"): back to the read-only place
        assert main(["search", "--resume", str(place / "done"), "--budget", "7"]) == 2
        assert main(["report", str(place / "done")]) == 2
        assert main(["compare", "--methods", "random", "--budget", "2", "--data-dir", str(data_dir), "--quiet",
                     "--out", str(place / "study")]) == 2
        assert capsys.readouterr().err.strip().splitlines() == [
            f"nasloop search: error: cannot write {place / 'done' / LOCK_NAME}: Read-only file system; copy "
            f"{place / 'done'} to a writable folder and give the copy to --resume",
            f"nasloop report: error: cannot write {place / 'done' / 'report'}: Read-only file system; give --out a "
            "writable folder to write the report in",
            f"nasloop compare: error: cannot write {place / 'study'}: Read-only file system; choose a writable --out"]
    finally:
        subprocess.run(["umount", str(place)], capture_output=True)


def test_a_run_whose_every_trial_failed_exits_non_zero(tmp_path, data_dir, capsys):
    """NB101 cells outside the 30k table fail: with the table bound off, seed 0 draws four such cells."""
    run = tmp_path / "run"
    code = main(["search", "--space", "nb101", "--space-opt", "table_only=false", "--strategy", "random",
                 "--budget", "4", "--seed", "0", "--quiet", "--json", "--data-dir", str(data_dir), "--run-dir",
                 str(run)])
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["failed"] == summary["evaluations"] == 4
    assert code == 1 and summary["status"] == "failed"
    assert err.strip().startswith("nasloop search: failed: all 4 evaluations failed; the first: ")
    assert "not in the NB101 table" in err


def test_a_bad_objective_fails_before_a_run_directory_exists(tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    assert main(["search", "--objective", "accuracy", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 2
    assert not run.exists()
    err = capsys.readouterr().err  # the table's metrics, HW-NAS-Bench's device costs among them
    assert "choose --objective from: edgegpu_energy, edgegpu_latency, " in err
    assert ("flops_m, fpga_energy, fpga_latency, params_m, pixel3_latency, raspi4_latency, test_accuracy, "
            "val_accuracy") in err
    assert main(["search", "--objective", "params_m", "--minimize", "--budget", "4", "--quiet", "--json",
                 "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    capsys.readouterr()
    assert main(["show", str(run), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == "params_m"


@pytest.mark.parametrize("column,value,problem", [
    ("cifar10@200:val_accuracy", 999.0, "outside [0, 100]"),
    ("cifar10@12:test_accuracy", float("inf"), "infinite"),
    ("cifar10:params_m", -float("inf"), "infinite"),
])
def test_a_table_with_impossible_numbers_is_refused_naming_file_column_and_row(tmp_path, data_dir, column, value,
                                                                              problem):
    from nasloop.search_spaces.nb201 import NB201Benchmark

    table = NB201Benchmark(str(data_dir)).table
    columns = {name: values.copy() for name, values in table.columns.items()}
    columns[column][1234] = value
    saved = tmp_path / "nb201.npz"
    np.savez(saved, __meta__=np.array(json.dumps({**table.meta, "format_version": 1})), **columns)
    with pytest.raises(DataError) as error:
        Table.load(saved)
    message = str(error.value)
    assert str(saved) in message and f"column '{column}' row 1234" in message and problem in message
    columns = {name: values.copy() for name, values in table.columns.items()}
    columns["index"][20] = columns["index"][7]
    with pytest.raises(DataError, match="column 'index' repeats the architecture of row 7"):
        Table(columns, table.meta)


def test_a_library_error_with_a_native_stack_is_stored_as_one_line():
    """torch's errors carry a C++ stack trace; a failure reason (and the summary quoting it) stays one line."""
    import torch

    from nasloop.engine.errors import describe_exception

    with pytest.raises(Exception) as raised:
        torch.nn.Conv2d(3, 2**70, 3)
    assert "\n" in str(raised.value)
    reason = describe_exception(raised.value)
    assert "\n" not in reason and reason.startswith(f"{type(raised.value).__name__}: ") and "(at " in reason


def test_tensorboard_logs_the_best_so_far_each_metric_and_the_predictors_out_of_sample_tau(tmp_path, data_dir):
    pytest.importorskip("tensorboard", reason="pip install 'nasloop[tensorboard]'")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logs = tmp_path / "tb"
    # 16: 8 random cells, then two fitted batches of 4, each scored out of sample once evaluated (40 fitted 8: 3.4 CPU s
    # more, for the same logs)
    summary = search(SearchConfig(strategy="predictor-topk", predictor="gp", budget=16, seed=2,
                                  data_dir=str(data_dir), run_dir=str(tmp_path / "run"), tensorboard=str(logs)))
    events = EventAccumulator(str(logs))
    events.Reload()
    best = [e.value for e in events.Scalars("search/best_so_far")]
    assert len(best) == 16 and best == sorted(best) and best[-1] == pytest.approx(summary["best"]["score"])
    assert len(events.Scalars("metrics/val_accuracy")) == 16
    taus = [e.value for e in events.Scalars("predictor/kendall_tau_out_of_sample")]
    assert taus and all(-1 <= t <= 1 for t in taus)


def test_searches_started_in_the_same_second_get_their_own_default_folders(tmp_path, data_dir, monkeypatch):
    """A shell loop of short searches collided one time in five: the second run was refused as 'already holds a
    run' and told to resume a run of another configuration."""
    monkeypatch.chdir(tmp_path)
    config = SearchConfig(strategy="random", budget=2, data_dir=str(data_dir))
    first = Path(search(config)["run_dir"])
    second = default_run_dir(config)
    assert second != first and not second.exists()
    if second.name.startswith(first.name):  # the same second: a numbered folder beside it
        assert second.name == f"{first.name}-2"
    assert search(config.replace(run_dir=str(second)))["evaluations"] == 2


def test_a_search_whose_default_folder_is_taken_while_it_starts_claims_the_next(tmp_path, data_dir, monkeypatch):
    """Two searches started at once named the same free folder; the second was refused as 'being searched'."""
    monkeypatch.chdir(tmp_path)
    held = []
    build = search_module.build_plugins

    def another_search_takes_the_name(config, on_note=None, **more):  # as a search started a moment earlier would,
        if not held:                                                  # between naming its folder and creating it
            Path(config.run_dir).mkdir(parents=True)
            held.append(RunLock(config.run_dir).__enter__())
        return build(config, on_note, **more)

    monkeypatch.setattr(search_module, "build_plugins", another_search_takes_the_name)
    heard = []
    summary = search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir)), on_run_dir=heard.append)
    taken = Path(held[0].run_dir)
    assert summary["evaluations"] == 2 and Path(summary["run_dir"]) != taken and heard == [summary["run_dir"]]
    assert Path(summary["run_dir"]).name.startswith(taken.name) and list(taken.iterdir()) == [taken / LOCK_NAME]
    held[0].__exit__(None, None, None)


def test_show_names_the_predictor_and_prints_counts_as_counts(tmp_path, data_dir, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich folds long rows at a terminal's width
    run = tmp_path / "guided"
    search(SearchConfig(strategy="bananas", predictor="forest", budget=12, data_dir=str(data_dir), run_dir=str(run)))
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    out = capsys.readouterr().out
    assert "bananas with forest (0)" in out and "(0 repeats answered from the store" in out
    assert "finished: budget of 12 evaluations spent" in out
    assert main(["show", str(run / "nasloop.sqlite")]) == 2  # the store named instead of its folder
    assert f"is a run's store; give its folder, {run}" in capsys.readouterr().err
    trained = tmp_path / "trained"
    search(SearchConfig(evaluator="train", fidelity=1, budget=1, data_dir=str(data_dir), run_dir=str(trained),
                        space_options={"channels": 4, "cells": 1},
                        evaluator_options={"train_images": 200, "batch_size": 32}))
    capsys.readouterr()
    assert main(["show", str(trained)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("space options" in line and "channels=4, cells=1" in line for line in lines)  # what else made it
    assert any("evaluator options" in line and "train_images=200, batch_size=32" in line for line in lines)
    epochs = next(line for line in lines if " epochs " in line)
    assert epochs.split("epochs")[1].strip(" │") == "1", epochs  # a count, not 1.0000
    loss = next(line for line in lines if " train_loss " in line)
    assert len(loss.split("train_loss")[1].strip(" │").split(".")[1]) == 4, loss


def test_resuming_a_finished_run_without_more_budget_says_there_was_nothing_to_do(tmp_path, data_dir, capsys):
    run = tmp_path / "done"
    assert main(["search", "--strategy", "random", "--data-dir", str(data_dir), "--budget", "3", "--run-dir",
                 str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", "--resume", str(run), "--quiet"]) == 0  # it reprinted the summary without a word
    assert f"nothing to do: {run} had already finished (budget of 3 evaluations spent); give a larger --budget" \
        in capsys.readouterr().err
    assert main(["search", "--resume", str(run), "--budget", "4", "--quiet"]) == 0
    assert "nothing to do" not in capsys.readouterr().err


def test_a_time_budget_below_what_a_run_has_spent_is_refused_and_a_run_it_ended_is_told_to_raise_it(
        tmp_path, data_dir, capsys):
    """A resume with --max-seconds under the cost already spent did nothing but was kept, and every later
    --budget then read 'nothing to do ... give a larger --budget'."""
    run = tmp_path / "timed"
    assert main(["search", "--strategy", "random", "--data-dir", str(data_dir), "--budget", "5", "--run-dir",
                 str(run), "--quiet"]) == 0
    spent = summarize(run)["budget"]["seconds_used"]
    capsys.readouterr()
    assert main(["search", "--resume", str(run), "--max-seconds", "10", "--quiet"]) == 2
    assert f"--max-seconds 10 is within the {spent:,.1f} s the evaluations of {run} have cost; give more" \
        in capsys.readouterr().err
    assert summarize(run)["budget"]["seconds"] is None  # the refused budget was not kept
    assert main(["search", "--resume", str(run), "--budget", "9", "--max-seconds", str(spent + 1), "--quiet"]) == 0
    capsys.readouterr()
    ended = summarize(run)
    assert ended["budget"]["queries_used"] < 9
    assert ended["stop_reason"].startswith(f"budget of {spent + 1:.10g} s spent")
    assert main(["search", "--resume", str(run), "--budget", "12", "--quiet"]) == 0
    assert "had already finished" in (err := capsys.readouterr().err) and "give a larger --max-seconds" in err
