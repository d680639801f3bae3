"""``show`` of a run whose space is a plugin's, given without ``--plugin``, cannot read the run's stored strings as a
resume does (the space is not loaded: see :mod:`nasloop.engine.stored_reading`), and said nothing, as of a run it
had read whole. It now says once, in its note, that they were not checked and the ``--plugin`` that checks them.
Each command loads plugins as a process of its own would (the conftest's ``fresh_nasloop``)."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

PLUGIN = textwrap.dedent("""
    from digit_space import DigitSpace, DigitSum
    from nasloop.engine.registry import register_evaluator, register_search_space


    @register_search_space("j6-digits")
    class Digits(DigitSpace):
        name = "j6-digits"


    register_evaluator("j6-sum")(DigitSum)
""")


def _run(fresh_nasloop, tmp_path: Path) -> tuple[Path, Path]:
    """A run of the plugin ``plug.py``'s space, started in a project folder with ``--plugin plug.py``."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    (project / "plug.py").write_text(PLUGIN)
    done = fresh_nasloop(["--plugin", "plug.py", "search", "--space", "j6-digits", "--evaluator", "j6-sum",
                          "--strategy", "random", "--budget", "3", "--run-dir", "run", "--quiet"], cwd=project)
    assert done.returncode == 0, done.stderr
    return project, project / "run"


def test_show_without_the_plugin_says_the_strings_were_not_checked_and_how(fresh_nasloop, tmp_path):
    project, run = _run(fresh_nasloop, tmp_path)
    shown = fresh_nasloop(["show", str(run), "--json"], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["unread_note"] == (
        f"the strings of {run / 'nasloop.sqlite'} were not checked: its search space 'j6-digits' is a plugin's, "
        "which show does not load unasked; to have them read as a resume reads them, give its plugins: nasloop "
        f"--plugin {project / 'plug.py'} show {run}")
    table = fresh_nasloop(["show", str(run)], cwd=tmp_path)
    assert table.returncode == 0 and "".join(table.stdout.replace("│", "").split()).count("werenotchecked") == 1


def test_show_given_the_plugin_checks_them_and_says_nothing(fresh_nasloop, tmp_path):
    project, run = _run(fresh_nasloop, tmp_path)
    shown = fresh_nasloop(["--plugin", str(project / "plug.py"), "show", str(run), "--json"], cwd=tmp_path)
    assert shown.returncode == 0 and "unread_note" not in json.loads(shown.stdout), shown.stdout
