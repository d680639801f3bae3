"""A signed plugin list names its plugins and the folder relative ones are read from: a run (or a study's run) copied
into another project folder, beside another ``plug.py``, imported that file on ``--resume`` (and on the study's
report), since a resumed run reads a copied project's own files. Such a list now imports nothing unasked; the
original, read from where it was signed, still resumes as before."""
from __future__ import annotations

import shutil
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.registry import EVALUATORS, SEARCH_SPACES
from tests.marked_plugin import marked_plugin


def _project(tmp_path: Path, space: str, monkeypatch) -> Path:
    """A project folder holding a relative plugin ``plug.py``, the folder the test's commands run in."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    (project / "plug.py").write_text(marked_plugin(space, "Path(__file__).with_suffix('.imported')"))
    monkeypatch.chdir(project)
    return project


def _copied(project: Path, tmp_path: Path) -> Path:
    """The project copied elsewhere, its ``plug.py`` not imported there yet."""
    copy = Path(shutil.copytree(project, tmp_path / "copy"))
    (copy / "plug.imported").unlink()
    return copy


def _study(space: str, capsys) -> None:
    """A one-run study of ``space`` in the current project, its plugin given as the relative ``plug.py``."""
    assert main(["--plugin", "plug.py", "compare", "--space", space, "--evaluator", f"{space}-sum", "--methods",
                 "random", "--seeds", "1", "--budget", "3", "--out", "study", "--quiet"]) == 0, capsys.readouterr().err


def _refused_unimported(capsys, copy: Path) -> None:
    """The command said in one line that it imports the copy's ``plug.py`` only when given, and did not import it."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "plug.py" in err and "--plugin FILE" in err, err
    assert not (copy / "plug.imported").exists()


def test_a_signed_run_copied_beside_another_plugin_imports_it_not(tmp_path, capsys, monkeypatch):
    space = "trust-copied-run-g"
    project = _project(tmp_path, space, monkeypatch)
    try:
        assert main(["--plugin", "plug.py", "search", "--space", space, "--evaluator", f"{space}-sum", "--strategy",
                     "random", "--budget", "3", "--run-dir", "runs/a", "--quiet"]) == 0, capsys.readouterr().err
        copy = _copied(project, tmp_path)
        capsys.readouterr()
        assert main(["search", "--resume", str(copy / "runs" / "a"), "--budget", "5", "--quiet"]) == 2
        _refused_unimported(capsys, copy)
        assert main(["search", "--resume", "runs/a", "--budget", "5", "--quiet"]) == 0, capsys.readouterr().err
    finally:
        SEARCH_SPACES._items.pop(space, None)
        EVALUATORS._items.pop(f"{space}-sum", None)


def test_a_signed_study_copied_beside_another_plugin_is_reported_without_it(tmp_path, capsys, monkeypatch):
    space = "trust-copied-study-g"
    project = _project(tmp_path, space, monkeypatch)
    try:
        _study(space, capsys)
        copy = _copied(project, tmp_path)
        SEARCH_SPACES._items.pop(space)  # as in a new process, where the report loads the study's plugins
        capsys.readouterr()
        assert main(["report", str(copy / "study")]) == 2
        _refused_unimported(capsys, copy)
    finally:
        SEARCH_SPACES._items.pop(space, None)
        EVALUATORS._items.pop(f"{space}-sum", None)


def test_a_signed_study_with_no_run_begun_reads_no_relative_plugin_of_the_current_folder(tmp_path, capsys,
                                                                                         monkeypatch):
    """With no run begun, a report reads study.json's plugins from the current folder, which it records nowhere."""
    space = "trust-copied-norun-g"
    project = _project(tmp_path, space, monkeypatch)
    try:
        _study(space, capsys)
        shutil.rmtree(project / "study" / "runs")
        copy = _copied(project, tmp_path)
        SEARCH_SPACES._items.pop(space)  # as in a new process, where the report loads the study's plugins
        monkeypatch.chdir(copy)
        capsys.readouterr()
        assert main(["report", "study"]) == 2
        _refused_unimported(capsys, copy)
    finally:
        SEARCH_SPACES._items.pop(space, None)
        EVALUATORS._items.pop(f"{space}-sum", None)
