"""A run or study searched below NB101's final fidelity gives its chosen cell's validation accuracy at 108 epochs.

NB101's table holds no test accuracy, so a run of it had no finite held-out value, and ``show``, ``--json``, a run's
report and a study's report left out the 108-epoch validation accuracy the table does hold: the one figure a protocol
searching 12 epochs reports there took a lookup by hand. The expected value is read from the JSON file itself (the
record of the chosen cell's 12-epoch accuracy and parameter count), not through nasloop's benchmark.
"""
from __future__ import annotations

import gzip
import json
import re
import sqlite3
from pathlib import Path

import pytest

from .kept_held_out_meta import keep_text, kept_text

NB101_JSON = "nasbench101_30k.json.gz"
AT_108 = "val_accuracy of chosen at fidelity 108"


def _final_validation(data_dir: Path, run: Path) -> float:
    """The 108-epoch validation accuracy of the run's best cell, found in the JSON by its 12-epoch accuracy and
    parameter count as the run stored them."""
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        (text,) = db.execute("SELECT metrics FROM trials WHERE status = 'ok' ORDER BY score DESC, id").fetchone()
    best = json.loads(text)
    with gzip.open(data_dir / NB101_JSON, "rt") as fh:
        matches = [r for r in json.load(fh) if abs(r["val_acc_12"] - best["val_accuracy"]) < 1e-4
                   and abs(r["params"] - best["params_m"] * 1e6) < 1]
    assert len(matches) == 1, matches
    return float(matches[0]["val_acc_108"])


def test_a_run_searched_at_12_epochs_gives_its_cells_108_epoch_validation(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    searched = nasloop_in_process(["search", "--space", "nb101", "--strategy", "random", "--budget", "15",
                                   "--fidelity", "12", "--seed", "1", "--data-dir", str(data_dir), "--run-dir",
                                   str(run), "--quiet"])
    assert searched.returncode == 0, searched.stderr
    expected = _final_validation(data_dir, run)
    held = json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)["held_out"]
    assert held["values"] == {}  # no test accuracy in NB101's table: no held-out value
    assert held["objective_at_final"] == {"metric": "val_accuracy", "values": {AT_108: pytest.approx(expected)}}
    shown = nasloop_in_process(["show", str(run)]).stdout
    assert re.search(rf"{re.escape(AT_108)} \(%\)\s*│\s*{expected:.4f}", shown) and "held-out of chosen" not in shown
    assert nasloop_in_process(["report", str(run), "--out", str(tmp_path / "report")]).returncode == 0
    text = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert f"{AT_108} (%): {expected:.4f}." in text
    assert "the table holds no test_accuracy at the searched fidelity 12 nor at its final one 108" in text  # why none


def test_a_study_searched_at_12_epochs_gives_the_108_epoch_validation_column(tmp_path, data_dir,
                                                                             nasloop_in_process):
    study = tmp_path / "study"
    assert nasloop_in_process(["compare", "--space", "nb101", "--fidelity", "12", "--methods", "random", "--seeds",
                               "2", "--budget", "10", "--data-dir", str(data_dir), "--out", str(study),
                               "--quiet"]).returncode == 0
    values = [_final_validation(data_dir, study / "runs" / "random" / f"seed-{seed}") for seed in range(2)]
    lines = (study / "report.md").read_text(encoding="utf-8").splitlines()
    head = next(line for line in lines if line.startswith("| method |")).split(" | ")
    row = next(line for line in lines if line.startswith("| random |")).split(" | ")
    column = head.index(f"{AT_108} (%)")
    assert row[column].startswith(f"{sum(values) / 2:.2f} ± ")
    assert row[head.index("held-out of chosen (%)")] == "–"  # the one held-out column, as the runs stored it


def test_a_run_kept_before_the_fix_is_looked_up_again(tmp_path, data_dir, nasloop_in_process):
    """A run that ended before runs looked the final fidelity's objective up kept no finite value and no
    ``objective_at_final``: show looks it up, where it gave what was kept (nothing)."""
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--space", "nb101", "--strategy", "random", "--budget", "6", "--fidelity",
                               "12", "--seed", "3", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"]).returncode == 0
    kept = json.loads(kept_text(run))
    older = {"arch": kept["arch"], "metric": kept["metric"], "values": {}}  # as the run kept it then
    keep_text(run, json.dumps(older))
    held = json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)["held_out"]
    assert held["objective_at_final"]["values"] == {AT_108: pytest.approx(_final_validation(data_dir, run))}


def test_a_run_with_nothing_to_look_up_keeps_that_it_looked(tmp_path, data_dir, nasloop_in_process):
    """At the final fidelity (NB101's 108 epochs) there is no held-out value nor a higher fidelity: kept as looked
    for, so show does not load the table again to find none."""
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--space", "nb101", "--strategy", "random", "--budget", "4", "--fidelity",
                               "108", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]).returncode == 0
    text = kept_text(run)
    assert json.loads(text)["values"] == {} and json.loads(text)["objective_at_final"] is None
    assert "held_out" not in json.loads(nasloop_in_process(["show", "--json", str(run)]).stdout)


def test_a_study_of_a_space_that_no_longer_reads_a_best_leaves_its_108_epoch_value_out(tmp_path, data_dir,
                                                                                     monkeypatch):
    """NB101 as a user's space whose parse refuses strings since its runs: the run whose best must be looked up
    has its 108-epoch validation left out, with the note, and the report is written (the other run kept its own)."""
    from nasloop.engine.cli import main
    from nasloop.engine.registry import register_search_space
    from nasloop.engine.run_held_out import HELD_OUT_KEY
    from nasloop.engine.store import RunStore
    from nasloop.search_spaces.nb101.space import NB101Space

    class Strict(NB101Space):
        """NB101, whose parse refuses strings once ``strict`` is set (its format changed since the runs)."""

        name, strict = "i13-strict101", False

        def parse(self, text):
            if type(self).strict and isinstance(text, str):
                raise ValueError(f"no such cell: {text[:12]}")
            return super().parse(text)

    register_search_space(Strict.name)(Strict)
    study = tmp_path / "study"
    assert main(["compare", "--space", Strict.name, "--dataset", "cifar10", "--methods", "random", "--seeds", "2",
                 "--budget", "5", "--fidelity", "12", "--data-dir", str(data_dir), "--out", str(study),
                 "--quiet"]) == 0
    runs = sorted(study.rglob("nasloop.sqlite"))
    with RunStore(runs[0]) as store:  # a run stored before runs kept their held-out values: its best looked up
        store.set_meta(HELD_OUT_KEY, None)
    monkeypatch.setattr(Strict, "strict", True)
    assert main(["report", str(study)]) == 0
    text = (study / "report.md").read_text(encoding="utf-8")
    assert text.count("cannot read the architecture") == 1
    lines = text.splitlines()
    head = next(line for line in lines if line.startswith("| method |")).split(" | ")
    row = next(line for line in lines if line.startswith("| random |")).split(" | ")
    assert "(1/2 seeds)" in row[head.index(f"{AT_108} (%)")] and row[head.index("held-out of chosen (%)")] == "–"
