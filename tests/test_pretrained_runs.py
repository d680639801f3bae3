"""Runs and studies started from a pretrained FLAN file: a file that changed is refused, a moved one is
re-pointed, and relative names keep meaning the same files from another folder."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.store import RunStore

SMALL = ["--predictor-opt", "ensemble=2", "--predictor-opt", "steps=20"]  # the conftest files' FLAN
# Each round ranks a pool of 200 candidates, not the whole space: what these runs check is the pretrained file they
# start from and resume with, which the ranking reads alike (every round ranked all 15,625 NB201 cells: 3 CPU s of a
# 12-query search and its resume, 0.9 s with the pool)
POOL = {"enumerate_limit": 0, "pool_size": 200}
POOL_OPTS = [arg for key, value in POOL.items() for arg in ("--strategy-opt", f"{key}={value}")]
TOPK = "predictor-topk:flan+steps=20+ensemble=2+num_init=8" + "".join(f"+{key}={value}" for key, value in POOL.items())


def test_a_resumed_search_refuses_a_pretrained_file_that_changed(pretrained, other_pretrained, tmp_path, data_dir):
    start = tmp_path / "start.pt"
    start.write_bytes(pretrained.read_bytes())
    config = SearchConfig(strategy="predictor-topk", predictor="flan", budget=12, seed=0, data_dir=str(data_dir),
                          run_dir=str(tmp_path / "run"), strategy_options={"num_init": 8, "batch_size": 4, **POOL},
                          predictor_options={"pretrained": str(start), "ensemble": 2, "steps": 20})
    assert search(config)["evaluations"] == 12
    assert resume(tmp_path / "run", budget=14)["evaluations"] == 14  # the same file: the run continues
    run = re.escape(str(tmp_path / "run"))
    start.write_bytes(other_pretrained.read_bytes())  # other weights, same path
    with pytest.raises(ConfigError, match=f"start.pt is not the one {run} started from \\(it changed\\)"):
        resume(tmp_path / "run", budget=16)
    with RunStore.in_run_dir(tmp_path / "run") as store:  # a run from before files were recorded
        recorded = store.get_meta("pretrained_files")
        store.set_meta("pretrained_files", None)
    with pytest.raises(ConfigError, match="is not the one this run started from"):  # the predictor's own check
        resume(tmp_path / "run", budget=16)
    unchecked = "recorded its pretrained files' contents, so a file's new place cannot be checked; put the file back at"
    with pytest.raises(ConfigError, match=re.escape(f"{unchecked} {start}")):
        resume(tmp_path / "run", budget=16, pretrained_files=[str(pretrained)])  # was 'started without' one
    with RunStore.in_run_dir(tmp_path / "run") as store:
        store.set_meta("pretrained_files", ["start.pt"])
    with pytest.raises(DataError, match="is damaged: meta 'pretrained_files' is"):
        resume(tmp_path / "run", budget=16)
    with sqlite3.connect(tmp_path / "run" / "nasloop.sqlite") as db:  # a damaged store opens no more: mended by hand
        db.execute("UPDATE meta SET value = ? WHERE key = 'pretrained_files'", (json.dumps(recorded),))
    start.write_bytes(b"not weights")  # a replacement the predictor could not even read is named as one
    with pytest.raises(ConfigError, match=f"is not the one {run} started from \\(it changed\\); put the original"):
        resume(tmp_path / "run", budget=16)
    start.unlink()
    with pytest.raises(ConfigError, match=f"\\(it is not at {re.escape(str(start))}\\)"):
        resume(tmp_path / "run", budget=16)
    after = summarize(tmp_path / "run")  # the refused resumes left the finished run as it was
    assert after["status"] == "finished" and after["budget"]["queries"] == 14


def test_a_predictor_study_refuses_to_continue_from_a_pretrained_file_that_changed(pretrained, other_pretrained,
                                                                                   tmp_path, data_dir, capsys):
    """The study recorded only the path: a second seed was fitted from other weights and averaged with the first."""
    start = tmp_path / "start.pt"
    start.write_bytes(pretrained.read_bytes())
    argv = ["compare", "--predictors", "flan", "--train-sizes", "8", "--predictor-opt", f"flan.pretrained={start}",
            *SMALL, "--data-dir", str(data_dir), "--out", str(tmp_path / "study")]
    assert cli.main([*argv, "--seeds", "1"]) == 0
    assert cli.main([*argv, "--seeds", "2"]) == 0  # the same file: the study continues
    capsys.readouterr()
    start.write_bytes(other_pretrained.read_bytes())  # other weights, same path
    assert cli.main([*argv, "--seeds", "3"]) == 2
    error = capsys.readouterr().err
    assert f"the pretrained file {start} is not the one {tmp_path / 'study'} started from (it changed)" in error
    assert len((tmp_path / "study" / "predictor_records.jsonl").read_text().splitlines()) == 2
    grid = tmp_path / "study" / "predictor_study.json"  # a study from before files were recorded continues,
    older = json.loads(grid.read_text())  # and records them from then on
    older.pop("pretrained_files")
    grid.write_text(json.dumps(older))
    assert cli.main([*argv, "--seeds", "3"]) == 0
    assert str(start) in json.loads(grid.read_text())["pretrained_files"]


def test_a_predictor_study_continues_from_another_folder_naming_its_file_by_another_path(pretrained, tmp_path,
                                                                                         data_dir, monkeypatch):
    # Refused as 'predictor_options = {flan.pretrained: start.pt}, not {flan.pretrained: ../start.pt}': one file.
    (tmp_path / "start.pt").write_bytes(pretrained.read_bytes())
    (tmp_path / "elsewhere").mkdir()
    argv = lambda path, out: ["compare", "--predictors", "flan", "--train-sizes", "8", "--predictor-opt",  # noqa: E731
                              f"flan.pretrained={path}", *SMALL, "--data-dir", str(data_dir), "--out", out]
    monkeypatch.chdir(tmp_path)
    assert cli.main([*argv("start.pt", "study"), "--seeds", "1"]) == 0
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert cli.main([*argv("../start.pt", "../study"), "--seeds", "2"]) == 0
    assert len((tmp_path / "study" / "predictor_records.jsonl").read_text().splitlines()) == 2
    (tmp_path / "other.pt").write_bytes(pretrained.read_bytes()[:-1] + b"x")  # other contents, another name
    assert cli.main([*argv("../other.pt", "../study"), "--seeds", "3"]) == 2


def test_a_search_study_refuses_to_continue_from_a_pretrained_file_that_changed(pretrained, other_pretrained,
                                                                                tmp_path, data_dir, capsys):
    """A new seed started from the new file under the same method label, without a word."""
    start = tmp_path / "start.pt"
    start.write_bytes(pretrained.read_bytes())
    study = tmp_path / "study"
    argv = ["compare", "--budget", "10", "--methods", f"{TOPK}+pretrained={start}",
            "--data-dir", str(data_dir), "--out", str(study), "--quiet"]
    assert cli.main([*argv, "--seeds", "1"]) == 0
    start.write_bytes(other_pretrained.read_bytes())  # other weights, same path
    capsys.readouterr()
    assert cli.main([*argv, "--seeds", "2"]) == 2
    assert f"the pretrained file {start} is not the one {study} started from (it changed)" in capsys.readouterr().err
    assert [p.name for p in study.glob("runs/*/*")] == ["seed-0"]


def test_a_search_started_with_relative_paths_resumes_from_another_folder(pretrained, tmp_path, data_dir,
                                                                          monkeypatch):
    """The pretrained file, data folder and run folder are named relative to where the search started; resumed
    from elsewhere, the run reads the same files and writes into its own folder, not a new one beside the caller."""
    started, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    started.mkdir()
    elsewhere.mkdir()
    (started / "flan.pt").write_bytes(pretrained.read_bytes())
    monkeypatch.chdir(started)
    argv = ["search", "--strategy", "predictor-topk", "--predictor", "flan", "--predictor-opt", "pretrained=flan.pt",
            *SMALL, *POOL_OPTS, "--strategy-opt", "num_init=8", "--strategy-opt", "batch_size=4", "--budget", "12",
            "--data-dir", str(Path(os.path.relpath(data_dir, started))), "--run-dir", "run"]
    assert cli.main(argv) == 0
    monkeypatch.chdir(elsewhere)
    assert cli.main(["search", "--resume", str(started / "run"), "--budget", "16"]) == 0
    with RunStore.in_run_dir(started / "run", readonly=True) as store:
        assert store.counts()["evaluations"] == 16
        assert store.get_meta("config")["run_dir"] == "run"  # as the run began: it locates the run in its project
    assert list(elsewhere.iterdir()) == []
    # The project copied (and the original moved away): the copy resumes against its own files.
    copy = tmp_path / "copy"
    shutil.copytree(started, copy)
    started.rename(tmp_path / "moved")
    assert cli.main(["search", "--resume", str(copy / "run"), "--budget", "18"]) == 0
    assert not started.exists() and list(elsewhere.iterdir()) == []
    # The file moved within the project and named anew is kept relative to it, so the project can move again:
    # it was kept as an absolute path, and the project's next move left the run asking for the old place.
    (copy / "weights").mkdir()
    (copy / "flan.pt").rename(copy / "weights" / "flan.pt")
    monkeypatch.chdir(copy)
    assert cli.main(["search", "--resume", "run", "--budget", "20", "--predictor-opt",
                     "pretrained=weights/flan.pt"]) == 0
    with RunStore.in_run_dir(copy / "run", readonly=True) as store:
        assert store.get_meta("config")["predictor_options"]["pretrained"] == os.path.join("weights", "flan.pt")
    monkeypatch.chdir(elsewhere)
    copy.rename(tmp_path / "again")
    assert cli.main(["search", "--resume", str(tmp_path / "again" / "run"), "--budget", "22"]) == 0


def test_a_resumed_search_reads_a_moved_pretrained_file_from_where_it_is_now(pretrained, other_pretrained, tmp_path,
                                                                              data_dir, capsys):
    """Moved (another machine, a tidied folder), the file could only be put back where it was; now the resume
    names its new place, which the run then keeps, and a file with other contents is still refused."""
    start, moved = tmp_path / "start.pt", tmp_path / "kept" / "flan.pt"
    start.write_bytes(pretrained.read_bytes())
    run = tmp_path / "run"
    argv = ["search", "--strategy", "predictor-topk", "--predictor", "flan", "--predictor-opt", f"pretrained={start}",
            *SMALL, *POOL_OPTS, "--strategy-opt", "num_init=8", "--strategy-opt", "batch_size=4", "--budget", "10",
            "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]
    assert cli.main(argv) == 0
    moved.parent.mkdir()
    start.rename(moved)
    capsys.readouterr()
    assert cli.main(["search", "--resume", str(run), "--budget", "12", "--quiet"]) == 2
    assert "give where it is now with --predictor-opt pretrained=FILE" in capsys.readouterr().err
    for wrong, fragment in ((other_pretrained, "its contents differ; give that file wherever it is now"),
                            (tmp_path / "none.pt", "none.pt is not a file"),
                            ("null", "a run keeps the pretrained file it began with")):  # was read as a file 'None'
        assert cli.main(["search", "--resume", str(run), "--budget", "12", "--quiet", "--predictor-opt",
                         f"pretrained={wrong}"]) == 2
        assert fragment in capsys.readouterr().err
    assert cli.main(["search", "--resume", str(run), "--budget", "12", "--quiet", "--predictor-opt", "ensemble=3"]) == 2
    assert "may change (drop --predictor-opt)" in capsys.readouterr().err  # only the file's place may change
    assert summarize(run)["budget"]["queries"] == 10  # every refusal left the run as it was
    assert cli.main(["search", "--resume", str(run), "--budget", "12", "--quiet", "--predictor-opt",
                     f"pretrained={moved}"]) == 0
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.counts()["evaluations"] == 12
        assert store.get_meta("config")["predictor_options"]["pretrained"] == str(moved)
        assert list(store.get_meta("pretrained_files")) == [str(moved)]
    assert summarize(run)["options"]["predictor"] == {"pretrained": str(moved), "ensemble": 2, "steps": 20}  # shown
    assert cli.main(["search", "--resume", str(run), "--budget", "14", "--quiet"]) == 0  # the new place is kept
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.counts()["evaluations"] == 14


def test_a_run_without_a_pretrained_file_is_not_given_one_on_resume(tmp_path, data_dir, pretrained):
    config = SearchConfig(strategy="random", budget=3, seed=0, data_dir=str(data_dir), run_dir=str(tmp_path / "run"))
    search(config)
    with pytest.raises(ConfigError, match="was started without a pretrained file; drop --predictor-opt pretrained="):
        resume(tmp_path / "run", budget=4, pretrained_files=[str(pretrained)])


def test_a_study_run_resumed_from_its_moved_file_is_still_its_methods_run(pretrained, tmp_path, data_dir):
    """Re-pointed, the run names the file by another path: the report left it out as another method's run."""
    from nasloop.engine.study_file import load_study
    from nasloop.engine.study_results import collect

    start, moved = tmp_path / "start.pt", tmp_path / "moved.pt"
    start.write_bytes(pretrained.read_bytes())
    study = tmp_path / "study"
    assert cli.main(["compare", "--budget", "10", "--methods", f"{TOPK}+pretrained={start}",
                     "--data-dir", str(data_dir), "--out", str(study), "--quiet",
                     "--seeds", "1"]) == 0
    start.rename(moved)
    stored = load_study(study)
    run_dir = stored.run_dir(stored.methods[0], 0)
    resume(run_dir, budget=12, pretrained_files=[str(moved)])
    results = collect(stored)
    assert not results.problems and results.methods[stored.methods[0].label].seeds == [0]
    with RunStore.in_run_dir(run_dir) as store:  # other contents recorded under the new path: another method's
        store.set_meta("pretrained_files", {str(moved): "0" * 64})
    assert "holds another method's run" in collect(load_study(study)).problems[0]
