"""A run begun with a count past a bound added since (counts.py) resumes with the value it ran with: an older
nasloop accepted enumerate_limit=10**8 ('always list the space') and ran it, and the resume was refused in the new
bound's words with nothing the user could change, since a stored run's options cannot be given anew. A new run with
the value is still refused."""
from __future__ import annotations

import json
import sqlite3

import pytest

import nasloop
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.store import DB_NAME
from nasloop.strategies.counts import MAX_POOL

PAST = MAX_POOL * 10


def _topk(data_dir, run_dir, enumerate_limit: int, budget: int) -> SearchConfig:
    return SearchConfig(strategy="predictor-topk", predictor="random", budget=budget, data_dir=str(data_dir),
                        strategy_options={"enumerate_limit": enumerate_limit}, run_dir=str(run_dir))


def test_a_stored_count_past_a_new_bound_resumes_and_a_new_run_with_it_is_refused(tmp_path, data_dir):
    run = tmp_path / "run"
    nasloop.search(_topk(data_dir, run, 100_000, 12))
    with sqlite3.connect(run / DB_NAME) as db:  # as the older nasloop stored it
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config["strategy_options"]["enumerate_limit"] = PAST
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.close()
    assert nasloop.resume(run, budget=16)["evaluations"] == 16
    with pytest.raises(ConfigError, match=f"option enumerate_limit must be an integer >= 0 and <= {MAX_POOL} or null, "
                                          f"got {PAST}"):
        nasloop.search(_topk(data_dir, tmp_path / "new", PAST, 12))
