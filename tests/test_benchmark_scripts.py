"""The benchmark scripts as a reader of the README runs them: a value that cannot work is refused in one line
before any work (a script may run for an hour, and its output file used to be opened only at the end), and the
figures they print stand beside the anchors measured for the same predictor."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_script(script: str, *args: str, data_dir: Path | str | None = None, cwd: Path | None = None
               ) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "NASLOOP_DATA"}
    env["XDG_CACHE_HOME"] = os.path.join(os.devnull, "none")  # not the user's cache: no data but data_dir's
    if data_dir is not None:
        env["NASLOOP_DATA"] = str(data_dir)
    return subprocess.run([sys.executable, str(SCRIPTS / script), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def refusal(done: subprocess.CompletedProcess, script: str) -> str:
    """The one error line a refused run ends with (argparse's usage lines may come before it)."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{script}: error: "), done.stderr
    return last


@pytest.mark.parametrize("script, args, words", [
    ("search_nb201.py", ["--seeds", "0"], ["--seeds", ">= 1"]),
    ("search_nb201.py", ["--datasets", "cifar10,foo"], ["--datasets", "'foo'"]),  # it said 'choose --dataset from'
    ("feature_predictors.py", ["--sizes", "8,x"], ["--sizes", "8,x"]),
    ("feature_predictors.py", ["--only", "forest,nope"], ["--only", "'forest'", "choose from"]),  # exit 1, no 'error:'
    # the reference scripts wrote 'graf_reference_nb201: error:', without the script's '.py'
    ("graf_reference_nb201.py", ["--reference-repo", "x", "--ours", "nope"], ["unknown variant 'nope'"]),
    ("guided_search.py", ["--checkpoints", "20,0"], ["--checkpoints", ">= 1"]),
    ("guided_search.py", ["--budget", "10", "--checkpoints", "20"], ["--checkpoints 20", "--budget 10"]),
    ("nago_search.py", ["--seeds", "0"], ["--seeds"]),  # 0 was read as "the setting's default", 10 seeds
    ("nago_search.py", ["--methods", ","], ["--methods", "no method"]),  # ran nothing, wrote empty figures
    ("nago_search.py", ["--evaluator", "proxy", "--objectives"], ["--objectives", "--evaluator proxy"]),  # trained
    ("nago_search.py", ["--param-limit", "10"], ["--param-limit 13218"]),  # told to set --space-opt, not a flag here
    ("nago_search.py", ["--evaluator", "train", "--proxy", "jacov"], ["--proxy jacov", "drop --proxy"]),  # ignored
    ("multi_objective_nb201.py", ["--seeds", "0"], ["--seeds"]),
    ("ranking_round.py", ["--seed", "-1"], ["--seed", ">= 0"]),
    ("proxies_nb201.py", ["--limit", "2"], ["--limit", ">= 3"]),
    ("train_throughput.py", ["--batch-size", "0"], ["--batch-size"]),
    ("fuzz_cli.py", ["--jobs", "0"], ["--jobs"]),
    ("ray_scaling.py", ["--networks", "0"], ["--networks"]),  # read "--budget must be at least 1"
    ("nago_speed.py", ["--param-limits", "1e5,x"], ["--param-limits", "'x'"]),
    ("loop_speed.py", ["--data-dir", ""], ["--data-dir", "empty path"]),  # read as 'no folder': another was used
    ("multi_objective_nb201.py", ["--out", ""], ["--out", "empty path"]),  # wrote into the current folder
])
def test_a_value_that_cannot_work_is_refused_naming_its_flag(benchmark_script, script, args, words):
    line = refusal(benchmark_script(script, *args), script)
    assert all(word in line for word in words), line


@pytest.mark.parametrize("script, flag", [("search_nb201.py", "--json"), ("predictors.py", "--json"),
                                          ("nago_search.py", "--json")])
def test_an_output_file_that_cannot_be_written_is_refused_before_the_work(benchmark_script, tmp_path, script, flag):
    target = tmp_path / "no-such-folder" / "out.json"
    line = refusal(benchmark_script(script, flag, str(target)), script)
    assert flag in line and str(target.parent) in line, line


@pytest.mark.parametrize("script", ["multi_objective_nb201.py", "compare_nb201.py"])
def test_an_output_folder_that_is_a_file_is_refused_before_the_work(benchmark_script, tmp_path, script):
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    line = refusal(benchmark_script(script, "--out", str(taken)), script)
    assert "--out" in line and str(taken) in line, line  # it read "choose a writable --run-dir"


def test_nasloop_refusals_end_a_script_in_nasloops_one_line(benchmark_script, data_dir):
    line = refusal(benchmark_script("loop_speed.py", "--space", "no-such-space", "--budget", "5", data_dir=data_dir),
                   "loop_speed.py")
    assert "unknown search space 'no-such-space'" in line
    line = refusal(benchmark_script("guided_search.py", "--seeds", "1", "--budget", "5", "--dataset", "no-such-task",
                              data_dir=data_dir), "guided_search.py")
    assert "no task 'no-such-task'" in line


def test_a_study_that_fails_fails_the_script(benchmark_script, tmp_path, data_dir):
    """``compare_nb201.py`` printed the study's exit 2 and itself exited 0: a CI step running it passed. The study
    fails on its own folder, a file (a missing table is refused by the script itself, before either study). In this
    process (benchmark_script): the study is refused before any run, so no worker starts."""
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "pred").write_text("not a folder")
    done = benchmark_script("compare_nb201.py", "--only", "predictors", "--predictor-seeds", "1", "--jobs", "1",
                            "--out", str(tmp_path / "studies"), data_dir=data_dir, cwd=tmp_path)
    assert done.returncode != 0, done.stdout
    assert "(pred: exit 2" in done.stdout, done.stdout


def test_each_predictor_row_shows_only_its_own_anchor(benchmark_script, data_dir):
    """Every row showed the FLAN reference's tau and fit seconds, the forest's and the MLP's included. In this
    process (benchmark_script): the script starts no worker."""
    done = benchmark_script("predictors.py", "--predictors", "forest", "--sizes", "8", "--seeds", "1",
                            data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| forest | 8 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[3] == "" and cells[5] == "", row  # reference tau, reference fit s
    assert "- FLAN reference (150 epochs, batch 8) (beside flan): 0.470 @8" in done.stdout


def _interruptible() -> None:
    """SIGINT as a terminal's process has it: a suite started as a shell's background job (`... &`, as CI may
    run it) ignores SIGINT, its children inherit that, and Python then never raises KeyboardInterrupt in them."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_interrupted_nago_training_stops_its_workers_and_keeps_its_run(tmp_path, data_dir):
    """Ctrl-C reaching the script alone (``timeout -s INT``, a scheduler) stopped it only once its worker had
    trained to the end of the network (five minutes here): the pool's exit now ends the workers at once."""
    from nasloop.engine.run_lock import is_being_searched

    env = {**os.environ, "NASLOOP_DATA": str(data_dir), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run, guard = tmp_path / "nago_front" / "random-s0", time.monotonic() + 120
    with subprocess.Popen([sys.executable, str(SCRIPTS / "nago_search.py"), "--objectives", "--budget", "4",
                           "--seeds", "1", "--methods", "random", "--out", str(tmp_path),
                           "--figures", str(tmp_path / "figures")],  # were it to finish: not the committed ones
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                          preexec_fn=_interruptible) as script:
        try:
            while not ((run / "nasloop.sqlite").is_file() and is_being_searched(run)):  # its run is training
                assert script.poll() is None and time.monotonic() < guard, "the run never started"
                time.sleep(0.2)
            script.send_signal(signal.SIGINT)
            assert script.wait(timeout=120) == 130  # a guard against the old wait, not a time to beat
        finally:
            script.kill()
        assert script.stderr.read().strip().endswith("nago_search.py: interrupted")
    assert (run / "nasloop.sqlite").is_file() and not is_being_searched(run)  # kept, and no worker left on it
