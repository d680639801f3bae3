"""An unfriendly machine: a file-size limit, a run folder deleted mid-search, a deleted current folder, a narrow
terminal. Each gets one line naming the problem and the fix, and no evaluation is lost or doubled."""
from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import DataError
from nasloop.engine.run_lock import RunLock
from nasloop.engine.search import search

from .hangup_default import hangup_default
from .limited_children import limited_child

SEARCH = ("search", "--space", "nb201", "--dataset", "cifar10", "--strategy", "evolution", "--seed", "0")


def nasloop(*argv: str, file_limit: int | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command, under a file-size limit of ``file_limit`` bytes where given (``ulimit -f``)."""
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", *argv], capture_output=True, text=True,
                          cwd=cwd, timeout=300, **limited_child(file_limit, {**os.environ, **(env or {})}))


def trials(run_dir: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"file:{run_dir / 'nasloop.sqlite'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT step, arch, score, status FROM trials ORDER BY step, id").fetchall()


def test_a_file_size_limit_is_named_and_the_run_resumes_exactly(tmp_path, data_dir):
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert nasloop(*SEARCH, "--budget", "100", "--run-dir", str(whole), "--data-dir", str(data_dir)).returncode == 0
    stopped = nasloop(*SEARCH, "--budget", "100", "--run-dir", str(cut), "--data-dir", str(data_dir),
                      file_limit=120 * 1024)
    lines = stopped.stderr.strip().splitlines()
    assert stopped.returncode == 2 and len(lines) == 1, stopped.stderr
    assert "file-size limit of 122,880 bytes ('ulimit -f' 120 in bash" in lines[0], lines  # was 'free space ...'
    assert "ulimit -f unlimited" in lines[0] and f"--resume {cut}" in lines[0], lines
    assert 0 < len(trials(cut)) < 100
    resumed = nasloop("search", "--resume", str(cut), "--data-dir", str(data_dir))
    assert resumed.returncode == 0, resumed.stderr
    assert trials(cut) == trials(whole)  # nothing lost, nothing doubled

    exported = nasloop("export", str(whole), str(tmp_path / "all.json"), file_limit=40 * 1024)
    assert exported.returncode == 2 and not (tmp_path / "all.json").exists()
    assert "the export" in exported.stderr and "'ulimit -f' 40" in exported.stderr, exported.stderr  # 'free space'
    report = nasloop("report", str(whole), "--out", str(tmp_path / "report"), file_limit=40 * 1024)
    assert report.returncode == 2 and "file-size limit" in report.stderr, report.stderr  # 'cannot access: ...'


def test_a_pretrained_file_past_the_file_size_limit_names_it(tmp_path, data_dir):
    out = tmp_path / "flan.pt"
    # one member and two steps: the file (190 KB) still passes the limit, written once the fit is done as ever
    done = nasloop("predictors", "pretrain", "--space", "nb201", "--train-size", "8", "--predictor-opt", "ensemble=1",
                   "--predictor-opt", "steps=2", "--out", str(out), "--data-dir", str(data_dir),
                   file_limit=50 * 1024)
    assert done.returncode == 2 and not out.exists(), done.stderr
    assert f"{out} could not grow past this shell's file-size limit" in done.stderr, done.stderr  # 'unexpected pos'
    assert not list(tmp_path.iterdir())  # nor a partial file beside it


def test_a_run_folder_deleted_mid_search_is_written_back_whole(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    whole, run_dir = tmp_path / "whole", tmp_path / "deleted"
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", budget=60, seed=0)
    search(config.replace(run_dir=str(whole)))

    def delete_at_ten(done: int, budget: int | None, best: float | None) -> None:
        if done == 10 and run_dir.exists():
            shutil.rmtree(run_dir)  # 'rm -rf RUN' while it runs: it finished 'finished', and the run was gone
    with pytest.raises(DataError, match="was deleted while the search ran; it was written back there whole"):
        search(config.replace(run_dir=str(run_dir)), on_progress=delete_at_ten)
    assert trials(run_dir) == trials(whole)


def test_a_deleted_current_folder_is_one_line(tmp_path, data_dir):
    gone = tmp_path / "gone"
    gone.mkdir()
    command = [sys.executable, "-m", "nasloop.engine.cli", *SEARCH, "--budget", "5", "--run-dir",
               str(tmp_path / "run"), "--data-dir", str(data_dir)]
    done = subprocess.run(["bash", "-c", 'cd "$1" && rmdir "$1" && shift && exec "$@"', "-", str(gone), *command],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "nasloop: error: the current folder no longer exists" in done.stderr, done.stderr  # 'cannot access: ...'


def test_a_narrow_terminal_keeps_every_value(tmp_path, data_dir):
    run_dir = tmp_path / "run"
    assert nasloop(*SEARCH, "--budget", "20", "--run-dir", str(run_dir), "--data-dir", str(data_dir)).returncode == 0
    shown = nasloop("show", str(run_dir), env={"COLUMNS": "20"})
    assert shown.returncode == 0, shown.stderr
    assert "nb201 / cifar10" in shown.stdout and "evolution (0)" in shown.stdout, shown.stdout  # were empty cells


def test_a_dangling_link_as_run_folder_is_named(tmp_path, data_dir):
    link = tmp_path / "runs"
    link.symlink_to(tmp_path / "nowhere")
    for run_dir, named in ((link, f"--run-dir {link} is a link"), (link / "one", f"{link} (in --run-dir {link / 'one'})"
                                                                                  " is a link")):
        done = nasloop(*SEARCH, "--budget", "5", "--run-dir", str(run_dir), "--data-dir", str(data_dir))
        assert done.returncode == 2 and named in done.stderr, done.stderr  # 'cannot create ...: File exists'
        assert f"to {tmp_path / 'nowhere'}, which does not exist" in done.stderr
    assert not (tmp_path / "nowhere").exists()


def test_too_little_memory_to_start_is_one_line():
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (60_000_000, resource.RLIM_INFINITY))
    done = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "spaces"], capture_output=True, text=True,
                          preexec_fn=limited, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == ("nasloop: error: not enough memory to start (this shell's memory limit is "
                                   "60,000,000 bytes, 'ulimit -v' 58593); raise the limit or free memory, and run "
                                   "the command again; nothing was done"), done.stderr  # a MemoryError's traceback


def test_too_little_memory_for_torch_names_the_limit(tmp_path):
    """Under 'ulimit -v' torch's import fails in one of three ways, depending on what else the process holds (the
    loader's 'failed to map segment', its C++ allocator's 'std::bad_alloc', Python's MemoryError); no limit reliably
    gives one of them in every environment, so each is given to the command's reporter as the import raises it."""
    from nasloop.engine.cli_parser import build_parser
    from nasloop.engine.cli_stops import unexpected_error

    args = build_parser().parse_args(["search", "--space", "nb201", "--run-dir", str(tmp_path / "run")])
    for raised in (ImportError("libtorch_cpu.so: failed to map segment from shared object"),
                   RuntimeError("std::bad_alloc"), MemoryError()):
        line = unexpected_error(raised, args)
        assert line.startswith("not enough memory for search (") and "raise the limit or free memory" in line, line
        assert "unexpected" not in line and "\n" not in line, line
    assert unexpected_error(RuntimeError("shape mismatch"), args).startswith("unexpected RuntimeError")


def test_a_closed_terminal_records_the_stop_and_the_run_resumes_exactly(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    whole, run_dir = tmp_path / "whole", tmp_path / "hup"
    search(SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", budget=3000, seed=0,
                        run_dir=str(whole)))
    proc = subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", *SEARCH, "--budget", "3000", "--run-dir",
                             str(run_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=hangup_default)  # as a terminal starts it, in a suite run under nohup
    deadline = time.monotonic() + 120
    while not (run_dir / "nasloop.sqlite").exists() or not trials(run_dir):  # under way, some trials stored
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err  # was killed by the signal (-1), the run left 'stopped' as after kill -9
    assert err == f"nasloop search: interrupted; continue with 'nasloop search --resume {run_dir}'\n"
    shown = nasloop("show", str(run_dir), "--json")
    assert '"status": "interrupted"' in shown.stdout, shown.stdout
    assert nasloop("search", "--resume", str(run_dir)).returncode == 0
    assert trials(run_dir) == trials(whole)


def test_a_store_linked_from_another_folder_has_one_writer(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    run_dir, linked = tmp_path / "run", tmp_path / "linked"
    search(SearchConfig(space="nb201", dataset="cifar10", strategy="evolution", budget=60, seed=0,
                        run_dir=str(run_dir)))
    linked.mkdir()
    (linked / "nasloop.sqlite").symlink_to(run_dir / "nasloop.sqlite")
    before = trials(run_dir)
    with RunLock(run_dir):  # as a 'search --resume run' holds it while it runs
        done = nasloop("search", "--resume", str(linked), "--budget", "80")
    assert done.returncode == 2, done.stderr  # it wrote the run's store beside its own search (locked 'linked' only)
    assert f"{run_dir} is being searched by process {os.getpid()}" in done.stderr, done.stderr
    assert trials(run_dir) == before


def test_a_run_finished_before_its_output_failed_is_said_so(tmp_path, data_dir):
    with open("/dev/full", "w") as full:  # stdout on a full device: the run is whole, its summary is not printed
        done = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", *SEARCH, "--budget", "20", "--run-dir",
                               str(tmp_path / "run"), "--data-dir", str(data_dir)], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(f"free some space; the run had already finished; 'nasloop show {tmp_path / 'run'}' "
                                "summarises it\n"), done.stderr  # '...; then the run had already finished'
