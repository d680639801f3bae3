"""``nasloop report RUN`` lists what ``nasloop test RUN`` measured (the run's tested.json), as ``show`` does: a run
searched with ``test=false`` reported no test figure at all, the one the user had measured included. A file that is no
such record is the same one note ``show`` gives, and the report is written as ever."""
from __future__ import annotations

import json

import pytest

from .test_show_tested_b13 import TINY

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_runs_report_gives_the_test_accuracy_nasloop_test_measured(nasloop_in_process, data_dir, tmp_path):
    run, out = tmp_path / "run", tmp_path / "report"
    assert nasloop_in_process(["search", *TINY, "--data-dir", str(data_dir), "--run-dir", str(run)]).returncode == 0
    assert nasloop_in_process(["report", str(run), "--out", str(out)]).returncode == 0
    assert "Tested by nasloop test" not in (out / "report.md").read_text(encoding="utf-8")  # before the test
    measured = nasloop_in_process(["test", str(run), "--json"])
    assert measured.returncode == 0, measured.stderr
    [record] = json.loads(measured.stdout)
    assert nasloop_in_process(["report", str(run), "--out", str(out)]).returncode == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## Tested by nasloop test (1)" in text
    section = text.split("## Tested by nasloop test (1)", 1)[1].split("##", 1)[0]
    [row] = [line for line in section.splitlines() if line.startswith(f"| {record['trial']} | ")]
    cells = [cell.strip() for cell in row.strip("|").split(" | ")]
    assert cells[2] == f"{record['test_accuracy']:.4f}" and cells[4] == "1", cells
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Tested by nasloop test (1)" in page and f"{record['test_accuracy']:.4f}" in page


def test_a_damaged_tested_file_is_the_reports_one_note(nasloop_in_process, data_dir, tmp_path):
    run, out = tmp_path / "run", tmp_path / "report"
    assert nasloop_in_process(["search", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"]).returncode == 0
    (run / "tested.json").write_text("nonsense{")
    done = nasloop_in_process(["report", str(run), "--out", str(out)])
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    text = (out / "report.md").read_text(encoding="utf-8")
    assert f"None read: {run / 'tested.json'} is not readable as nasloop test's results (" in text
    assert "delete it and run 'nasloop test' again to measure them." in text
