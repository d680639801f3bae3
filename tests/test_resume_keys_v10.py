"""A resume reads the stored dedup keys only where no trial came after this nasloop's last state. An older nasloop
resuming the run (one from before the key code was recorded) appends trials keyed by its own hash and leaves the
record as it found it, so the next resume read its keys as this code's: a TNB101-micro run under --dedup
functional, begun by this nasloop, continued to 400 by the one before the identity's fix and to 800 by this one,
kept 199 older keys and evaluated 97 networks twice."""
from __future__ import annotations

import json
import sqlite3

import numpy as np

from nasloop.engine import cli
from nasloop.search_spaces.nb201.space import NB201Space

RUN = ["search", "--space", "nb201", "--strategy", "random", "--seed", "3", "--quiet"]


def test_a_trial_an_older_nasloop_appended_is_hashed_again_on_resume(tmp_path, data_dir):
    run, space = tmp_path / "run", NB201Space()
    assert cli.main([*RUN, "--budget", "20", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:  # what an older nasloop hashing otherwise appends
        stored = {arch for (arch,) in db.execute("SELECT arch FROM trials")}
        rng = np.random.default_rng(0)
        arch = next(text for text in (space.format(space.sample(rng)) for _ in range(100)) if text not in stored)
        columns = [name for (_, name, *_) in db.execute("PRAGMA table_info(trials)")]
        last = dict(zip(columns, db.execute("SELECT * FROM trials ORDER BY id DESC LIMIT 1").fetchone()))
        added = {**last, "id": last["id"] + 1, "arch": arch, "key": "an older hash"}
        db.execute(f"INSERT INTO trials ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                   [added[name] for name in columns])
        assert json.loads(db.execute("SELECT value FROM meta WHERE key = 'key_code'").fetchone()[0])  # recorded
    db.close()
    assert cli.main(["search", "--resume", str(run), "--budget", "30", "--quiet"]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        key = db.execute("SELECT key FROM trials WHERE id = ?", (added["id"],)).fetchone()[0]
    db.close()
    assert key == space.hash(space.parse(arch))
