"""NB101's held-out note says there is no held-out value, where it said one was 'at the searched fidelity 12, as the
run stored it': NB101's 30k table holds no test accuracy at any fidelity (no test split), so the run stored none, and
the note's 'which such a protocol reports beside the held-out one' was of a value nowhere given. A run kept by an
older nasloop with that note is looked up again rather than shown with it.
"""
from __future__ import annotations

import json
from pathlib import Path

from .kept_held_out_meta import keep_text, kept_text

NONE_HELD = "None: the table holds no test_accuracy at the searched fidelity 12 nor at its final one 108."
OLD_NOTE = "It is at the searched fidelity 12, as the run stored it"


def _searched(run: Path, data_dir: Path, nasloop_in_process) -> None:
    done = nasloop_in_process(["search", "--space", "nb101", "--strategy", "random", "--budget", "6", "--fidelity",
                               "12", "--seed", "2", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"])
    assert done.returncode == 0, done.stderr


def test_an_nb101_run_s_note_says_it_has_no_held_out_value(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    _searched(run, data_dir, nasloop_in_process)
    held = json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)["held_out"]
    assert held["values"] == {} and held["objective_at_final"]["metric"] == "val_accuracy", held
    assert NONE_HELD in held["note"] and OLD_NOTE not in held["note"], held["note"]
    assert "beside the held-out one" not in held["note"], held["note"]  # there is none to be beside
    assert nasloop_in_process(["report", str(run), "--out", str(tmp_path / "report")]).returncode == 0
    text = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert NONE_HELD in text and OLD_NOTE not in text


def test_a_run_kept_with_the_old_note_is_looked_up_again(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    _searched(run, data_dir, nasloop_in_process)
    kept = json.loads(kept_text(run))
    older = {**kept, "note": kept["note"].replace(NONE_HELD, f"{OLD_NOTE}: the table holds no test_accuracy at its "
                                                             "final fidelity 108.")}  # as an older nasloop kept it
    assert older["note"] != kept["note"]
    keep_text(run, json.dumps(older))
    held = json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)["held_out"]
    assert held == {key: value for key, value in kept.items() if key not in ("arch", "table")}  # as kept
