"""Benchmark scripts run as the README's reader runs them, from their own folder with their own relative paths: a
value the script would misread is refused naming its flag, and a relative path means the folder the user meant."""
from __future__ import annotations

from pathlib import Path

from .test_benchmark_scripts import refusal, run_script


def test_train_throughput_refuses_one_epoch_whose_steady_rate_would_be_the_warm_up(data_dir: Path):
    """With --epochs 1 the 'steady img/s' column was the warm-up epoch's own rate (cuDNN autotuning, compilation
    included), printed as steady beside the plain loop's; two epochs are the least that time one steady epoch.
    The run is otherwise a real one (small, so that the code before the fix printed its table in seconds)."""
    done = run_script("train_throughput.py", "--epochs", "1", "--images", "64", "--batch-size", "32", "--channels",
                      "4", "--cells", "1", "--threads", "1", data_dir=data_dir)
    line = refusal(done, "train_throughput.py")
    assert "--epochs" in line and ">= 2" in line, line


def test_fuzz_cli_reads_a_relative_data_dir_from_the_folder_it_was_started_in(tmp_path: Path):
    """Every case (and the template run) works in a fresh temporary folder, where --data-dir data used to be looked
    for: the sweep stopped at once on 'data directory /tmp/tmp<random>/data does not exist', a folder the user never
    named. An empty folder of the user's is enough to see which folder was read: its refusal names it."""
    (tmp_path / "data").mkdir()
    done = run_script("fuzz_cli.py", "--seeds", "1", "--data-dir", "data", cwd=tmp_path)
    line = refusal(done, "fuzz_cli.py")  # the CLI's own line for the missing table
    assert "not found" in line and str(tmp_path / "data") in line and "does not exist" not in line, done.stderr
