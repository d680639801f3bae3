"""A query budget above the distinct networks of a functionally de-duplicated run is refused before the run: such a
run (``--dedup functional --budget 15625`` on NB201, whose 15,625 cells compute 4,930 networks) could never spend
it and ended only after 10,000 repeats in a row."""
from __future__ import annotations

import pytest

import nasloop
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError


def _config(data_dir, run, **fields) -> SearchConfig:
    return SearchConfig(space="tnb101-micro", strategy="random", dedup="functional", seed=0,
                        data_dir=str(data_dir), run_dir=str(run), **fields)


def test_a_budget_past_the_distinct_networks_is_refused_before_the_run(tmp_path, data_dir):
    run = tmp_path / "run"
    with pytest.raises(ConfigError, match=r"--budget 1230 exceeds the 1,229 distinct networks of the 4,096 "
                                          r"architectures of tnb101-micro under --dedup functional; "
                                          r"give --budget 1229"):
        nasloop.search(_config(data_dir, run, budget=1230))
    assert not run.exists()


def test_a_resume_raising_the_budget_past_them_is_refused(tmp_path, data_dir):
    run = tmp_path / "run"
    nasloop.search(_config(data_dir, run, budget=5))
    with pytest.raises(ConfigError, match="exceeds the 1,229 distinct networks"):
        nasloop.resume(run, budget=1300)
    assert nasloop.resume(run, budget=8)["evaluations"] == 8


def test_the_distinct_networks_themselves_are_a_budget_a_run_can_spend(tmp_path, data_dir):
    """Every network of the space, each evaluated once: the bound is exact, not a guess."""
    summary = nasloop.search(_config(data_dir, tmp_path / "run", budget=1229))
    assert summary["evaluations"] == 1229
