"""What commands print where it is read: a pipe whose reader leaves early, a table written to a pipe kept whole,
and the options a plugin takes listed with their defaults."""
from __future__ import annotations

import os
import subprocess
import sys

from .cli_processes import nasloop


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path, env):
    """``nasloop strategies | head -1`` style: the pipe is closed before nasloop writes to it."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "strategies"], cwd=tmp_path, env=env,
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert proc.stderr == "" and proc.returncode == 141


def test_a_plugins_options_are_listed_with_what_they_take_and_their_defaults(tmp_path, settings, nasloop_in_process):
    """Its options were found only by getting one wrong ('nasloop strategies evolution' was refused)."""
    listed = nasloop_in_process(["strategies", "evolution"], tmp_path, settings)
    assert listed.returncode == 0 and listed.stdout.startswith("evolution: Aging evolution")
    assert "  population_size: an integer >= 2 and <= 10000000, default 50\n" in listed.stdout
    assert "  parents: one of auto, tournament, frontier, default auto\n" in listed.stdout
    shown = nasloop_in_process(["predictors", "show", "forest"]).stdout
    assert "  features: a string or a list of strings or null, default null\n" in shown
    assert "  missing: one of impute, error, default impute\n" in shown
    assert "  address: a string or null, default null\n" in nasloop_in_process(["executors", "ray"]).stdout


def test_a_table_written_to_a_pipe_keeps_every_column_whole(tmp_path, env, settings, nasloop_in_process):
    """rich cut the predictor table to 80 columns in a pipe, wrapping each 'mean ± half-width' over two lines."""
    # a process of its own: its stdout is the pipe (the one-seed table's words need none: in this process)
    proc = nasloop(["predictors", "evaluate", "--predictors", "random", "--train-sizes", "8", "--seeds", "2"],
                   tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    assert "(2 seeds, mean ± half-width of the 95 % Student t interval over seeds)" in proc.stdout
    assert "…" not in proc.stdout
    header = next(line for line in proc.stdout.splitlines() if "predictor" in line and "Kendall" in line)
    assert "Kendall tau" in header and "predict s" in header
    row = next(line for line in proc.stdout.splitlines() if "random" in line)
    assert row.count("±") == 6, row
    # one seed has no spread: it printed '± 0.000' in every column
    one = nasloop_in_process(["predictors", "evaluate", "--predictors", "random", "--train-sizes", "8", "--seeds", "1"],
                             tmp_path, settings).stdout
    assert "(1 seed)" in one and "±" not in one
