"""The README's guarantees on the commands their tests reach least: `compare` over a damaged store."""
from __future__ import annotations

import sqlite3

from nasloop.engine.cli import main


def test_compare_names_a_finished_run_whose_rows_are_damaged(tmp_path, data_dir, capsys):
    """A finished run with a damaged row was left out of the report with exit 0 and not a word from `compare`
    ('0 methods ... 0 runs used'); its store is named in one line and the command exits 1, as a store damaged
    in its tables already was."""
    study = tmp_path / "study"
    argv = ["compare", "--methods", "random", "--seeds", "1", "--budget", "10", "--out", str(study),
            "--data-dir", str(data_dir), "--quiet"]
    assert main(argv) == 0
    store = study / "runs" / "random" / "seed-0" / "nasloop.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("UPDATE trials SET score = 'abc' WHERE id = 3")
    db.close()
    capsys.readouterr()
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        f"nasloop compare: random seed 0: damaged ({store} is damaged: trial 3 has 'abc' in 'score' where a number "
        "belongs; restore the file from a backup, or start a new run directory)\n")
