"""'nasloop spaces NAME' on a machine without the benchmark's data (a new user's first look) lists the plugins
that read it as working once it is found: predictor-topk, whose default warm-up reads the table's proxies, was
left out of nb201's strategies, as if it never worked there."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_strategy_that_reads_missing_data_is_listed_saying_so(capsys):
    assert main(["spaces", "nb201"]) == 0
    strategies = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("  strategies:"))
    assert "predictor-topk (with the benchmark's data, which was not found)" in strategies
    assert "evolution," in strategies and "evolution (" not in strategies
