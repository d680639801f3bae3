"""The README's guarantees on the commands their tests reach least: `compare` over a damaged store."""
from __future__ import annotations

import json
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


def test_a_study_file_listing_a_seed_or_method_twice_is_refused(tmp_path, data_dir, capsys):
    """A study.json edited to list seed 0 twice made `nasloop report` count its one run as two seeds (a narrower
    interval over copies), and a method listed twice doubled every seed; now the file is named in one line."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "5", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    record = json.loads((study / "study.json").read_text())
    for edit, named in ((dict(seeds=[0, 0]), "seed 0"), (dict(methods=record["methods"] * 2), "method random")):
        (study / "study.json").write_text(json.dumps({**record, **edit}))
        capsys.readouterr()
        assert main(["report", str(study)]) == 2
        assert capsys.readouterr().err == (
            f"nasloop report: error: {study / 'study.json'} is not a readable study file (ValueError: it lists the "
            f"{named} more than once); set the folder aside and run 'nasloop compare' again\n")
