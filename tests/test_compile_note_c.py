"""``--evaluator train --evaluator-opt compile=true`` in search and compare: said once what compiling costs.

Before: only ``nasloop train`` said it; a search compiled each network for training and again for evaluation (about
28 s more a network on a cold CPU cache for evaluation alone) and nothing told the user why it sat silent.
"""
from __future__ import annotations

from nasloop.engine import cli

NOTE = "note: compile=true first compiles each network for training and again for evaluation"


def test_a_search_that_compiles_is_refused_before_its_note(tmp_path, capsys, isolated_cache):
    # A data folder without CIFAR-10 stops it before training: the refusal comes alone, the note being held until
    # every check has passed (it came first, and the refusal below it read as a run that had started). That the
    # note is said once the checks pass: tests/test_held_notes_b2.py.
    (tmp_path / "empty").mkdir()
    argv = ["search", "--evaluator", "train", "--budget", "2", "--data-dir", str(tmp_path / "empty"),
            "--run-dir", str(tmp_path / "run"), "--evaluator-opt"]
    assert cli.main([*argv, "compile=true"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nasloop search: error: CIFAR-10 not found") and err.count("\n") == 1, err


def test_a_compare_that_compiles_says_so_once_for_all_its_methods(tmp_path, data_dir, capsys):
    # Its notes come once every method has passed its checks; a file as --out is refused just after.
    (tmp_path / "a-file").touch()
    assert cli.main(["compare", "--evaluator", "train", "--evaluator-opt", "compile=true", "--methods",
                     "random,local", "--budget", "2", "--data-dir", str(data_dir), "--out",
                     str(tmp_path / "a-file")]) == 2
    err = capsys.readouterr().err
    assert err.count(NOTE) == 1 and f"nasloop compare: {NOTE}" in err
    assert "is a file; choose a folder for the study" in err
