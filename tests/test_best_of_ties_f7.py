"""With several objectives, the best by the first is taken among those tied on it by the later ones: it was the
first trial tied, which a later tied trial could dominate (``show`` named as best a trial off the Pareto front)."""
from __future__ import annotations

import json

from nasloop.engine.store import RunStore


def test_the_best_of_trials_tied_on_the_first_objective_is_on_the_front(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--space", "nb201", "--strategy", "random", "--budget", "60", "--seed", "0",
                               "--objectives", "params_m:min,val_accuracy:max", "--data-dir", str(data_dir),
                               "--run-dir", str(run), "--json"])
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    with RunStore.in_run_dir(run, readonly=True) as store:
        trials = [t for t in store.evaluations() if t.result is not None and t.result.ok]
    smallest = min(t.result.metrics["params_m"] for t in trials)
    tied = [t for t in trials if t.result.metrics["params_m"] == smallest]
    assert len(tied) > 1 and tied[0].result.metrics["val_accuracy"] < max(
        t.result.metrics["val_accuracy"] for t in tied)  # the run holds the case: the first tied is dominated
    best = max(tied, key=lambda t: (t.result.metrics["val_accuracy"], -t.id))
    assert summary["best"]["trial"] == best.id
    assert best.id in [member["trial"] for member in summary["pareto_front"]]
    report = tmp_path / "report"
    made = nasloop_in_process(["report", str(run), "--out", str(report)])
    assert made.returncode == 0, made.stderr
    lines = (report / "report.md").read_text().splitlines()
    table = lines[next(i for i, line in enumerate(lines) if line.startswith("## Best architectures")):]
    first_row = table[next(i for i, line in enumerate(table) if line.startswith("|---")) + 1]
    assert first_row.startswith(f"| {best.id} |"), first_row  # the report's table ranks it first too
