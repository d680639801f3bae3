"""``nasloop proxies --sample N`` scores N different architectures: drawn with replacement, ``--sample 20000`` of
NB201's 15,625 cells gave 20,000 rows of 11,340 cells, some scored twice, and a sample past the space was taken."""
from __future__ import annotations

import json

from nasloop.engine.cli import main

TINY = ["--space", "tnb101-micro", "--space-opt", "base_channels=4", "--proxies", "params", "--json"]


def test_a_sample_holds_different_architectures(data_dir, capsys):
    assert main(["proxies", *TINY, "--sample", "300", "--data-dir", str(data_dir)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 300 and len({row["arch"] for row in rows}) == 300


def test_a_sample_past_the_space_is_refused(data_dir, capsys):
    assert main(["proxies", *TINY, "--sample", "4097", "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err
    assert "--sample 4097 exceeds the 4,096 architectures of tnb101-micro; give --sample 4096 or less, or --all" \
        in error and error.count("\n") == 1, error
