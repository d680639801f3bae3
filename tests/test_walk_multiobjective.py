"""A user's walk through several objectives: the NB201 multi-objective benchmark script's reporting, and a
configuration file's reference point."""
from __future__ import annotations

import re

import pytest

from nasloop.engine.config import SearchConfig, read_config_file
from nasloop.engine.errors import ConfigError


def test_multi_objective_script_reports_the_budgets_end(benchmark_script, tmp_path, data_dir):
    """``--budget 60`` printed only '@50': the last ten evaluations of every run were never reported. The script runs
    in this process (benchmark_script: with one job it starts no worker), as Python runs it."""
    done = benchmark_script("multi_objective_nb201.py", "--methods", "random", "--costs", "params_m", "--seeds", "1",
                            "--budget", "60", "--out", str(tmp_path / "mo"), data_dir=data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    headers = [line for line in done.stdout.splitlines() if line.startswith("| method |")]
    assert len(headers) == 2, done.stdout  # the nadir and the median tables
    for header in headers:
        assert "HV ratio @50 | HV ratio @60 | seeds >= 0.98 @60 | min @60" in header, header


@pytest.mark.parametrize("text, words", [
    ("'80,2'", None),  # the command line's form, as objectives: takes it
    ("'80,x'", "reference_point '80,x' is not comma-separated numbers; give one number per objective"),
    ("[80, .nan]", "reference_point must be finite numbers, got [80, nan]"),  # was "not a list of numbers"
])
def test_a_config_files_reference_point_reads_as_the_flags(tmp_path, text, words):
    path = tmp_path / "search.yaml"
    path.write_text(f"space: nb201\nobjectives: val_accuracy:max,params_m:min\nreference_point: {text}\n")
    if words is None:
        assert SearchConfig(**read_config_file(path)).reference_point == [80.0, 2.0]
    else:
        with pytest.raises(ConfigError, match=re.escape(words)):
            SearchConfig(**read_config_file(path))
