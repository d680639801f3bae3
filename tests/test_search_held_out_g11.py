"""``nasloop search``'s closing summary gives the held-out lines ``nasloop show`` of the same run gives.

``show`` and a run's report gave a 12-epoch NB201 run's chosen cell's 200-epoch test accuracy (its held-out value
at the final fidelity, test_run_held_out_b11); the search's own summary, printed by the same printer from a summary
that had no held-out values, gave none: the figure the run is searched for took a second command.
The values are recomputed here from the NB201 CSV itself.
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.engine.store import RunStore

FINAL, SEARCHED = "held-out of chosen at fidelity 200", "held-out of chosen at searched fidelity 12"
SEARCH = ["search", "--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--budget", "20", "--quiet"]


def _chosen_row(run: Path, nb201_csv_path: Path) -> dict[str, str]:
    """The CSV's row of the run's chosen cell, read from its raw store (its best, the earliest of equals)."""
    with RunStore.in_run_dir(run, readonly=True) as store:
        arch = max(store.evaluations(), key=lambda t: (t.score, -t.id)).arch
    with gzip.open(nb201_csv_path, "rt", newline="") as fh:
        return next(row for row in csv.DictReader(fh) if row["arch_str"] == arch)


def test_the_search_summary_gives_the_held_out_lines_of_show(tmp_path: Path, data_dir: Path, nb201_csv_path: Path,
                                                             capsys) -> None:
    run = tmp_path / "run"
    assert main([*SEARCH, "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    searched = capsys.readouterr().out
    assert main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    chosen = _chosen_row(run, nb201_csv_path)
    final = f"{float(chosen['cifar10_test_200']):.4f}"
    lines = [line for line in searched.splitlines() if "held-out" in line]
    assert len(lines) == 2 and FINAL in lines[0] and final in lines[0] and SEARCHED in lines[1], searched
    assert lines == [line for line in shown.splitlines() if "held-out" in line]
    assert searched == shown  # the same printer, from the same summary


def test_the_search_json_holds_the_held_out_values_of_show(tmp_path: Path, data_dir: Path, capsys) -> None:
    run = tmp_path / "run"
    assert main([*SEARCH, "--data-dir", str(data_dir), "--run-dir", str(run), "--json"]) == 0
    searched = json.loads(capsys.readouterr().out)
    assert main(["show", str(run), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(searched["held_out"]["values"]) == {FINAL, SEARCHED}
    assert searched["held_out"] == shown["held_out"]


def test_search_returns_the_held_out_values_and_leaves_no_journal_beside_the_run(tmp_path: Path,
                                                                                  data_dir: Path) -> None:
    """The API's summary holds them too, read from the store the search holds open: reading them from a store
    opened again (as ``show`` opens it) left its shared-memory and journal files beside every finished run."""
    run = tmp_path / "run"
    summary = search(SearchConfig(space="nb201", dataset="cifar10", fidelity=12, budget=20, data_dir=str(data_dir),
                                  run_dir=str(run)))
    assert set(summary["held_out"]["values"]) == {FINAL, SEARCHED}
    assert sorted(p.name for p in run.iterdir()) == ["nasloop.lock", "nasloop.sqlite"]
