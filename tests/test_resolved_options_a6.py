"""A new run records the options its plugins resolved from the run (a default read from the space, its benchmark or
context), and a resume builds its plugins with them: zero-cost's default proxy on NB301 moved from Zen to the
benchmark's ranking proxy (nwot), and a run begun on the older default then ranked by the newer once resumed."""
from __future__ import annotations

import sqlite3

import pytest

from nasloop import SearchConfig, resume, search
from nasloop.engine.errors import DataError
from nasloop.engine.store import RunStore
from nasloop.search_spaces.darts.benchmark import NB301Benchmark

FAST = {"num_init": 3, "batch_size": 2, "warmup": None}
"""Three cells at random, then rounds of two ranked by the predictor (from the fourth evaluation on)."""


def _config(data_dir, run_dir, budget, **predictor_options):
    return SearchConfig(space="darts", strategy="predictor-topk", predictor="zero-cost", budget=budget, seed=3,
                        data_dir=str(data_dir), run_dir=str(run_dir), strategy_options=dict(FAST),
                        predictor_options=predictor_options)


def _archs(run_dir):
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        return [trial.arch for trial in store.evaluations()]


def test_a_resumed_run_ranks_by_the_proxy_its_default_was_when_it_began(data_dir, tmp_path, monkeypatch):
    search(_config(data_dir, tmp_path / "params", 10, proxy="params"))  # ranked by params throughout
    with monkeypatch.context() as older:  # a nasloop whose NB301 default was params: its run records it
        older.setattr(NB301Benchmark, "ranking_proxy", "params")
        search(_config(data_dir, tmp_path / "older", 5))
    resume(tmp_path / "older", budget=10)  # today's default is nwot
    assert _archs(tmp_path / "older") == _archs(tmp_path / "params")
    with RunStore.in_run_dir(tmp_path / "older", readonly=True) as store:
        assert store.get_meta("resolved_options")["predictor"] == {"zero-cost": {"proxy": "params"}}
        assert store.get_meta("config")["predictor_options"] == {}  # the configuration stays as it was given
    search(_config(data_dir, tmp_path / "nwot", 10))
    assert _archs(tmp_path / "nwot") != _archs(tmp_path / "params")  # the proxies pick apart within the budget


def test_a_store_without_the_record_resumes_on_todays_defaults(data_dir, tmp_path):
    search(_config(data_dir, tmp_path / "nwot", 10))
    search(_config(data_dir, tmp_path / "before", 5))
    db = sqlite3.connect(tmp_path / "before" / "nasloop.sqlite")  # as a store of the nasloop before the record
    with db:
        db.execute("DELETE FROM meta WHERE key = 'resolved_options'")
    db.close()
    resume(tmp_path / "before", budget=10)
    assert _archs(tmp_path / "before") == _archs(tmp_path / "nwot")


def test_a_damaged_record_is_named(data_dir, tmp_path):
    search(_config(data_dir, tmp_path / "run", 4))
    db = sqlite3.connect(tmp_path / "run" / "nasloop.sqlite")
    with db:
        db.execute("UPDATE meta SET value = '{\"predictor\": [\"nwot\"]}' WHERE key = 'resolved_options'")
    db.close()
    with pytest.raises(DataError, match=r"is damaged: meta 'resolved_options' is .*, not plugin kind -> name -> "
                                        r"options; restore"):
        resume(tmp_path / "run", budget=8)
