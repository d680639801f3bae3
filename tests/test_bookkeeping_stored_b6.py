"""A run stored before bookkeeping metrics were refused as objectives, which optimised one (a user's condition
metric, training's torch threads, a replicated run's count of draws), is read as such: ``show`` marks its "best" as
ranked by bookkeeping and says once what that means, ``show --json`` names the metrics (``bookkeeping_objectives``),
the run report says it with the run's facts, and a resume, which goes on as the run began, says it in a note. Show
and report ranked such a run's architectures by its threads or draws as if it had measured them. The old store is
today's, its objective written as the older nasloop wrote it: in the run's configuration and its meta, each trial's
score the objective's value."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.objectives import Objective
from nasloop.engine.pareto_summary import bookkeeping_objectives
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result

from .digit_space import DigitSpace, DigitSum


class Clocked(DigitSum):
    """A user's evaluator recording the threads each result ran on (4 here, on every machine), its condition metric."""

    condition_metrics = ("threads",)

    def metric_names(self, fidelity=None):
        return ["score", "threads"]

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"score": float(sum(arch)), "threads": 4.0}, cost=1.0)


@pytest.fixture
def old_run(tmp_path, nasloop_in_process) -> Path:
    """A run of the user's evaluator, searched by 'score' and then stored as the older nasloop stored a run
    optimising 'threads': its configuration's and meta's objective, and each trial's score."""
    register_search_space("b6-digits")(type("B6Digits", (DigitSpace,), {"name": "b6-digits"}))
    register_evaluator("b6-clocked")(Clocked)
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--space", "b6-digits", "--evaluator", "b6-clocked", "--strategy", "random",
                               "--budget", "4", "--run-dir", str(run), "--quiet"])
    assert done.returncode == 0, done.stderr
    ranked_by(run, "threads")
    return run


def ranked_by(run, metric: str) -> None:
    """Rewrite the stored run at ``run`` as ranked by ``metric`` (maximised), as an older nasloop stored it: its
    configuration's and meta's objective, and each trial's score."""
    db = sqlite3.connect(run / "nasloop.sqlite")
    config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps({**config, "objective": metric}),))
    db.execute("UPDATE meta SET value = ? WHERE key = 'objective'", (json.dumps(metric),))
    db.execute("UPDATE meta SET value = ? WHERE key = 'objectives'", (json.dumps([f"{metric}:max"]),))
    db.execute(f"UPDATE trials SET score = json_extract(metrics, '$.{metric}')")
    db.commit()
    db.close()


NOTE = ("threads is bookkeeping of the b6-clocked evaluator (how a result was computed, not what it measured): this "
        "run was stored before searches refused it as an objective, so what it ranked by it measures nothing of the "
        "architectures")


def test_show_says_an_older_run_was_ranked_by_bookkeeping(old_run, nasloop_in_process):
    shown = nasloop_in_process(["show", str(old_run), "--json"])
    assert shown.returncode == 0, shown.stderr
    summary = json.loads(shown.stdout)
    assert summary["objective"] == "threads" and summary["bookkeeping_objectives"] == ["threads"]
    table = nasloop_in_process(["show", str(old_run)])
    assert table.returncode == 0, table.stderr
    text = " ".join(" ".join(line.strip(" │┃").split()) for line in table.stdout.splitlines())
    assert "best by threads (bookkeeping)" in text
    assert " ".join(NOTE.split()) in text.replace(" │ ", " ").replace("│", ""), text


def test_the_run_report_says_it_once(old_run, nasloop_in_process, tmp_path):
    done = nasloop_in_process(["report", str(old_run), "--out", str(tmp_path / "report")])
    assert done.returncode == 0, done.stderr
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert markdown.count(NOTE) == 1 and "## Best architectures by threads (bookkeeping)" in markdown
    assert (tmp_path / "report" / "report.html").read_text().count(NOTE) == 1


def test_its_resume_goes_on_as_it_began_and_says_so(old_run, nasloop_in_process):
    """A resume of such a run is not refused (it could not be continued otherwise): it says what show says, once."""
    done = nasloop_in_process(["search", "--resume", str(old_run), "--budget", "6", "--quiet"])
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(
        f"note: {old_run} optimises threads, bookkeeping of the b6-clocked evaluator (how a result was computed, not "
        "what it measured), which a search now refuses as an objective; it goes on as it began, and what it ranks "
        "by it measures nothing of the architectures\n") == 1


def test_a_run_ranked_by_what_it_measured_says_nothing_of_bookkeeping(old_run, nasloop_in_process):
    ranked_by(old_run, "score")
    shown = nasloop_in_process(["show", str(old_run), "--json"])
    assert shown.returncode == 0 and "bookkeeping_objectives" not in json.loads(shown.stdout)


@pytest.mark.parametrize(("evaluator", "options", "objectives", "kept"), [
    ("train", {}, ["val_accuracy", "torch_threads", "epochs"], ["torch_threads", "epochs"]),
    ("train", {"replicates": 3}, ["val_accuracy", "val_accuracy_std", "replicates", "torch_threads@2"],
     ["replicates", "torch_threads@2"]),
    ("proxy", {"replicates": 2}, ["params", "params@0", "replicates", "replicates_failed"],
     ["replicates", "replicates_failed"]),
    ("proxy", {}, ["params", "replicates"], []),  # one draw reports no count of draws: an unreported metric
    ("tabular", {}, ["val_accuracy", "train_seconds"], []),
])
def test_the_evaluators_declared_bookkeeping_is_read_without_building_it(evaluator, options, objectives, kept):
    """The names a new search refuses (each evaluator's bookkeeping_metrics), read from its class and the run's
    options: show reads a run without its data or device."""
    config = {"evaluator": evaluator, "evaluator_options": options, "objectives": [f"{m}:max" for m in objectives]}
    assert bookkeeping_objectives([Objective(m) for m in objectives], config) == kept


def test_a_run_of_its_evaluators_default_objective_is_not_judged():
    """It optimised what its evaluator measures: show of such a run imports no evaluator (training's loads torch)."""
    assert bookkeeping_objectives([Objective("val_accuracy")], {"evaluator": "train", "objective": None}) == []
