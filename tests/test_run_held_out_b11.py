"""``nasloop show RUN`` and a run's ``nasloop report RUN`` give its chosen cell's held-out metric as a study does.

A study's report gave the 200-epoch test accuracy of each run's chosen cell where the runs searched 12 epochs; a
single run's ``show`` and report gave only the 12-epoch test accuracy it stored. The values are recomputed here from
the run's raw store and the NB201 CSV itself, not through nasloop's benchmark.
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

FINAL, SEARCHED = "held-out of chosen at fidelity 200", "held-out of chosen at searched fidelity 12"


@pytest.fixture(scope="module")
def table(nb201_csv_path: Path) -> dict[str, dict[str, str]]:
    with gzip.open(nb201_csv_path, "rt", newline="") as fh:
        return {row["arch_str"]: row for row in csv.DictReader(fh)}


def _search(run: Path, data_dir: Path, *flags: str) -> str:
    """A short NB201 run; the architecture it chose, read from its raw store (its best, the earliest of equals)."""
    assert main(["search", "--space", "nb201", "--dataset", "cifar10", "--strategy", "random", "--budget", "12",
                 "--seed", "3", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet", *flags]) == 0
    return _chosen(run)


def _chosen(run: Path) -> str:
    """The architecture the run chose, read from its raw store: its best, the earliest of equals."""
    with RunStore.in_run_dir(run, readonly=True) as store:
        return max(store.evaluations(), key=lambda t: (t.score, -t.id)).arch


def _shown(run: Path, capsys, *flags: str) -> str:
    capsys.readouterr()
    assert main(["show", str(run), *flags]) == 0
    return capsys.readouterr().out


def test_a_lower_fidelity_runs_show_and_report_give_its_final_fidelitys_held_out(tmp_path: Path, data_dir: Path,
                                                                                 table, capsys) -> None:
    run = tmp_path / "run"
    chosen = table[_search(run, data_dir, "--fidelity", "12")]
    final, searched = float(chosen["cifar10_test_200"]), float(chosen["cifar10_test_12"])
    assert final > searched + 2  # the two are not one value twice
    held = json.loads(_shown(run, capsys, "--json"))["held_out"]
    assert held["metric"] == "test_accuracy"
    assert held["values"] == {FINAL: pytest.approx(final, abs=1e-9), SEARCHED: pytest.approx(searched, abs=1e-9)}
    assert "looked up in the benchmark's table at its final fidelity (no training)" in held["note"]
    rows = _shown(run, capsys)
    assert f"{FINAL} (%)" in rows and f"{SEARCHED} (%)" in rows and f"{final:.4f}" in rows
    assert main(["report", str(run), "--out", str(tmp_path / "report")]) == 0
    text = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert f"Held-out of chosen at fidelity 200 (%): {final:.4f}; {SEARCHED} (%): {searched:.4f}; " in text  # then
    # the 200-epoch validation (tests/test_final_validation_g12.py)
    assert "as the run stored it, at the fidelity it searched" in text
    assert f"{final:.4f}" in (tmp_path / "report" / "report.html").read_text(encoding="utf-8")


def test_a_run_of_the_final_fidelity_gives_its_one_held_out_value(tmp_path: Path, data_dir: Path, table,
                                                                  capsys) -> None:
    run = tmp_path / "run"
    chosen = table[_search(run, data_dir)]
    held = json.loads(_shown(run, capsys, "--json"))["held_out"]
    assert held["values"] == {"held-out of chosen": pytest.approx(float(chosen["cifar10_test_200"]), abs=1e-9)}
    assert "note" not in held and "note" not in _shown(run, capsys)  # nothing to explain: no second fidelity


def test_a_run_of_an_objective_without_a_held_out_twin_gives_none(tmp_path: Path, data_dir: Path, capsys) -> None:
    run = tmp_path / "run"
    _search(run, data_dir, "--objective", "params_m", "--minimize")
    assert "held_out" not in json.loads(_shown(run, capsys, "--json"))
    assert "held-out" not in _shown(run, capsys)
