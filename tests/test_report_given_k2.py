"""'nasloop report' and 'nasloop show' given a file, or a folder of studies, say what they were given.

A file (an exported CSV) was answered 'no nasloop run at e.csv (missing nasloop.sqlite); check the run directory', as
if a folder, and a folder holding 'nasloop compare' studies the same, with no word of the studies inside it.
"""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture(scope="module")
def studies(tmp_path_factory, data_dir):
    """A folder holding one real study of 'nasloop compare' (one seed of random search, three evaluations), made
    once for the module's tests, which only read it (each made its own: about 6 s apiece), in a cache of its own."""
    folder = tmp_path_factory.mktemp("studies")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        patch.delenv("NASLOOP_DATA", raising=False)
        assert main(["compare", "--space", "nb201", "--methods", "random", "--seeds", "1", "--budget", "3",
                     "--data-dir", str(data_dir), "--out", str(folder / "s1")]) == 0
    return folder


@pytest.mark.parametrize("command", ["report", "show"])
def test_a_file_is_named_as_a_file(tmp_path, capsys, command):
    path = tmp_path / "e.csv"
    path.write_text("arch,val_accuracy\n")
    assert main([command, str(path)]) == 2
    message = one_line(capsys.readouterr().err.strip(), path, "is a file; give a run")
    assert "missing nasloop.sqlite" not in message


@pytest.mark.parametrize("command", ["report", "show"])
def test_a_folder_of_studies_names_them(studies, capsys, command):
    capsys.readouterr()
    assert main([command, str(studies)]) == 2
    one_line(capsys.readouterr().err.strip(), "holds studies", studies / "s1", "nasloop report")


def test_a_studys_record_is_named_with_its_folder(studies, capsys):
    capsys.readouterr()
    assert main(["report", str(studies / "s1" / "study.json")]) == 2
    one_line(capsys.readouterr().err.strip(), "a study's record; give its folder", studies / "s1")
