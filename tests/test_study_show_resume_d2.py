"""``nasloop show`` on a study's stopped run names the study's way on: the same ``nasloop compare`` again.

It said "continue with 'nasloop search --resume DIR'", the way of a run of its own; the study's runs are continued
by running its compare again, which resumes them (seen here: the run goes on to its budget).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from nasloop.engine import cli
from nasloop.engine.store import RunStore

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c


def _compare(study: Path, data_dir: Path) -> int:
    return cli.main(["compare", "--methods", "random", "--seeds", "1", "--budget", "11", "--data-dir", str(data_dir),
                     "--out", str(study), "--quiet"])


def _reason(run_dir: Path, capsys) -> tuple[str, str]:
    assert cli.main(["show", "--json", str(run_dir)]) == 0
    shown = json.loads(capsys.readouterr().out)
    return shown["status"], shown["stop_reason"]


def test_show_tells_a_studys_stopped_run_to_go_on_with_the_studys_compare(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    run_dir = study / "runs" / "random" / "seed-0"
    with python_ctrl_c(CtrlCAtCall(RunStore.record_evaluated.__code__, 5)):  # a real Ctrl-C at the 5th evaluation
        assert _compare(study, data_dir) == 130
    capsys.readouterr()
    again = f"continue the study by running the same 'nasloop compare ... --out {study.resolve()}' command again"
    status, reason = _reason(run_dir, capsys)
    assert status == "interrupted" and reason.startswith("stopped by the user; ") and again in reason, reason
    assert "search --resume" not in reason, reason
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:  # what a killed compare leaves: its run 'running'
        db.execute("UPDATE meta SET value = ? WHERE key = 'status'", (json.dumps("running"),))
        db.execute("DELETE FROM meta WHERE key = 'stop_reason'")
    status, reason = _reason(run_dir, capsys)
    assert status == "stopped" and reason.startswith("no process is searching it; ") and again in reason, reason
    assert _compare(study, data_dir) == 0  # what the advice says: the run is resumed, to its budget
    capsys.readouterr()
    assert cli.main(["show", "--json", str(run_dir)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["status"], shown["evaluations"]) == ("finished", 11), shown
