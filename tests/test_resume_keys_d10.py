"""A resume hashed every stored architecture again (4.7 s of CPU on a 20,000-trial NB101 run) in case the hash had
changed since the run stored its keys. A run of nasloop's own space records which code keyed it (meta
``key_code``); a resume finding the same code reads the stored keys, and one finding other code (an upgrade, a run
from before the record) hashes them again, writes back those that changed and records the code. A guided strategy
hashed each result it loads again too (6.0 s for 20,000 NB101 cells, 2.2 s reading the hashes it saved)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from nasloop.engine import cli
from nasloop.engine.types import Observation
from nasloop.predictors.baselines import RandomPredictor
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.bananas import Bananas

RUN = ["search", "--space", "nb201", "--strategy", "random", "--seed", "3"]


def _archs(run: Path) -> list[str]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return [arch for (arch,) in db.execute("SELECT arch FROM trials ORDER BY id")]


def _counting_hashes(monkeypatch) -> list[int]:
    """Count NB201's hashes from now on (the real hash, counted)."""
    calls = [0]
    real = NB201Space.hash

    def counted(self, arch):
        calls[0] += 1
        return real(self, arch)

    monkeypatch.setattr(NB201Space, "hash", counted)
    return calls


def test_a_resume_reads_the_keys_its_own_code_stored_and_hashes_no_stored_architecture(tmp_path, data_dir,
                                                                                       monkeypatch):
    run = tmp_path / "run"
    assert cli.main([*RUN, "--budget", "300", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    calls = _counting_hashes(monkeypatch)
    assert cli.main(["search", "--resume", str(run), "--budget", "301", "--quiet"]) == 0
    assert calls[0] < 50  # the new proposal's hashes (300 and more, one per stored architecture, before)
    assert len(_archs(run)) == 301


def test_keys_stored_by_other_code_are_hashed_again_written_back_and_the_run_goes_on_exactly(tmp_path, data_dir,
                                                                                            monkeypatch):
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    common = ["--data-dir", str(data_dir), "--quiet"]
    assert cli.main([*RUN, "--budget", "60", "--run-dir", str(whole), *common]) == 0
    assert cli.main([*RUN, "--budget", "30", "--run-dir", str(cut), *common]) == 0
    with sqlite3.connect(cut / "nasloop.sqlite") as db:  # as an older nasloop's hash keyed them, unrecorded
        db.execute("UPDATE trials SET key = 'stale-' || key WHERE id <= 5")
        db.execute("DELETE FROM meta WHERE key = 'key_code'")
    db.close()
    calls = _counting_hashes(monkeypatch)
    assert cli.main(["search", "--resume", str(cut), "--budget", "60", "--quiet"]) == 0
    assert calls[0] >= 30  # every stored architecture hashed again
    assert _archs(cut) == _archs(whole)
    space = NB201Space()
    with sqlite3.connect(cut / "nasloop.sqlite") as db:
        keys = db.execute("SELECT arch, key FROM trials ORDER BY id").fetchall()
        recorded = db.execute("SELECT value FROM meta WHERE key = 'key_code'").fetchone()
    db.close()
    assert all(key == space.hash(space.parse(arch)) for arch, key in keys)  # the stale ones written back
    assert recorded is not None
    calls[0] = 0
    assert cli.main(["search", "--resume", str(cut), "--budget", "61", "--quiet"]) == 0
    assert calls[0] < 30  # the next resume reads them


def _told(strategy: Bananas, count: int) -> None:
    """Ask and tell ``count`` results, as a search would."""
    for step in range(count):
        arch = strategy.ask(1)[0]
        strategy.tell([Observation(arch, float(step % 7))])


def test_a_guided_strategy_reads_the_hashes_it_saved_and_hashes_again_those_other_code_saved(monkeypatch):
    space = NB201Space()
    going = Bananas(space, seed=2, predictor=RandomPredictor(space), num_init=5)
    _told(going, 40)
    state = json.loads(json.dumps(going.state_dict()))  # as the store gives it back
    calls = _counting_hashes(monkeypatch)
    resumed = Bananas(space, seed=2, predictor=RandomPredictor(space), num_init=5)
    resumed.load_state_dict(state)
    assert calls[0] < 10  # its pending and queued picks at most (one per result, 40, before)
    assert list(resumed.observed) == list(going.observed)
    for old in ({**state, "key_code": "other code"}, {**state, "observed": [row[:2] for row in state["observed"]]}):
        calls[0] = 0
        again = Bananas(space, seed=2, predictor=RandomPredictor(space), num_init=5)
        again.load_state_dict(old)
        assert calls[0] >= 40 and list(again.observed) == list(going.observed)
    _told(going, 10)
    _told(resumed, 10)
    assert resumed.state_dict() == going.state_dict()
