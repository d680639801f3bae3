"""A search reads its held-out values with the space and table context it built, and stores them as it ends; a
study's report reads each run's there rather than looking it up again.

Each run's end built a second table context and space from its stored configuration to look its chosen cell up at the
final fidelity, and a study's report looked each run's up once more; a run stored before runs kept them, or whose
kept values are of another architecture than the study chose, is still looked up.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from nasloop.engine import final_held_out as held_module
from nasloop.engine import study_results
from nasloop.engine.cli import main
from nasloop.engine.final_held_out import FinalHeldOut, held_out_values
from nasloop.engine.run_held_out import HELD_OUT_KEY
from nasloop.engine.store import RunStore
from nasloop.engine.study_file import load_study

FINAL = "held-out of chosen at fidelity 200"
NB201_12 = ["--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--quiet"]


def test_a_search_looks_its_held_out_up_in_its_own_context_and_keeps_it(tmp_path: Path, data_dir: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture) -> None:
    built = []
    table_context = held_module.table_context
    monkeypatch.setattr(held_module, "table_context", lambda *a, **k: built.append(a) or table_context(*a, **k))
    run = tmp_path / "run"
    assert main(["search", *NB201_12, "--budget", "8", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 0
    assert built == []  # the search's own context, not one built again from its configuration
    with RunStore.in_run_dir(run, readonly=True) as store:
        kept = store.get_meta(HELD_OUT_KEY)
        best = max(store.evaluations(), key=lambda t: (t.score, -t.id))
    assert kept["arch"] == best.arch and math.isfinite(kept["values"][FINAL])
    capsys.readouterr()
    assert main(["show", str(run), "--json"]) == 0  # a reader reads what the run kept, building no context
    assert built == []
    # kept with the identity of its table (run_held_out.TABLE_KEY), which show reads and does not give
    assert {"arch": best.arch, "table": kept["table"], **json.loads(capsys.readouterr().out)["held_out"]} == kept


def _counted_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The architectures a study's report looks up at the final fidelity (the real lookup, each call noted)."""
    looked: list[str] = []
    real = study_results.final_held_out

    def counting(*args, **kwargs) -> FinalHeldOut:
        held = real(*args, **kwargs)
        lookup = held.lookup
        assert lookup is not None
        return FinalHeldOut(held.searched, held.fidelity, lambda text: looked.append(text) or lookup(text), held.why)

    monkeypatch.setattr(study_results, "final_held_out", counting)
    return looked


def test_a_studys_report_reads_the_kept_values_and_looks_up_those_of_older_runs(tmp_path: Path, data_dir: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "study"
    assert main(["compare", *NB201_12, "--methods", "random", "--seeds", "3", "--budget", "8", "--data-dir",
                 str(data_dir), "--out", str(folder)]) == 0
    looked = _counted_lookups(monkeypatch)
    kept = study_results.collect(load_study(folder)).methods["random"].held_out
    assert looked == [] and len(kept) == 3 and all(map(math.isfinite, kept))
    older = folder / "runs" / "random" / "seed-1"  # as a run stored before runs kept them
    with RunStore.in_run_dir(older) as store:
        arch = store.get_meta(HELD_OUT_KEY)["arch"]
        store.db.execute("DELETE FROM meta WHERE key = ?", (HELD_OUT_KEY,))
    assert study_results.collect(load_study(folder)).methods["random"].held_out == kept
    assert looked == [arch]


def test_kept_values_of_another_architecture_or_fidelity_are_looked_up() -> None:
    looked: list[str] = []
    held = FinalHeldOut(12, 200, lambda text: looked.append(text) or {"test_accuracy": 94.0})
    kept = {"arch": "a", "metric": "test_accuracy", "values": {FINAL: 93.0}}
    metrics = {"test_accuracy": 88.0}
    assert held_out_values(held, "a", metrics, "test_accuracy", kept) == [93.0, 88.0] and looked == []
    assert held_out_values(held, "b", metrics, "test_accuracy", kept) == [94.0, 88.0] and looked == ["b"]
    at_108 = FinalHeldOut(12, 108, held.lookup)
    assert held_out_values(at_108, "a", metrics, "test_accuracy", kept) == [94.0, 88.0] and looked == ["b", "a"]
