"""``export`` and ``report`` of a run whose space is a plugin's, given without ``--plugin``, cannot read the run's
stored strings as a resume does, and said nothing of it, where ``show`` says they were not checked and the
``--plugin`` that checks them (test_show_unchecked_j6). They now say the same one note: export on stderr, report in
its run's facts line, each naming its own command to give again."""
from __future__ import annotations

from pathlib import Path

from .test_show_unchecked_j6 import _run


def _note(project: Path, run: Path, command: str) -> str:
    return (f"the strings of {run / 'nasloop.sqlite'} were not checked: its search space 'j6-digits' is a plugin's, "
            f"which {command.split()[0]} does not load unasked; to have them read as a resume reads them, give its "
            f"plugins: nasloop --plugin {project / 'plug.py'} {command}")


def test_export_without_the_plugin_says_the_strings_were_not_checked(fresh_nasloop, tmp_path):
    project, run = _run(fresh_nasloop, tmp_path)
    out = tmp_path / "evals.csv"
    done = fresh_nasloop(["export", str(run), str(out), "--all"], cwd=tmp_path)
    assert done.returncode == 0 and out.exists(), done.stderr
    assert done.stderr == f"nasloop export: note: {_note(project, run, f'export {run} {out} --all')}\n"
    given = fresh_nasloop(["--plugin", str(project / "plug.py"), "export", str(run), str(out)], cwd=tmp_path)
    assert given.returncode == 0 and "not checked" not in given.stderr, given.stderr


def test_report_without_the_plugin_says_it_in_the_run_facts(fresh_nasloop, tmp_path):
    project, run = _run(fresh_nasloop, tmp_path)
    out = tmp_path / "report"
    done = fresh_nasloop(["report", str(run), "--out", str(out)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (out / "report.md").read_text()
    assert page.count("were not checked") == 1
    assert f"; {_note(project, run, f'report {run} --out {out}')}" in page
    given = fresh_nasloop(["--plugin", str(project / "plug.py"), "report", str(run), "--out", str(out)], cwd=tmp_path)
    assert given.returncode == 0 and "not checked" not in (out / "report.md").read_text()
