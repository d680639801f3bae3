"""Leftovers of the API walk: a study given for a run, a closed store, and the config file's shorthand keys."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import DataError
from nasloop.engine.search import resume, summarize


def _compare(data_dir: Path, study: Path, *form: str) -> None:
    assert main(["compare", *form, "--seeds", "1", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]) == 0


def test_a_study_given_for_a_run_is_named_with_how_to_continue_it(tmp_path: Path, data_dir: Path, capsys) -> None:
    """``nasloop search --resume STUDY`` and ``resume(STUDY)`` said 'no nasloop run ... check the run directory'."""
    study = tmp_path / "studies" / "x"
    _compare(data_dir, study, "--space", "nb201", "--methods", "random", "--budget", "3")
    capsys.readouterr()
    said = (f"{study} is a study written by 'nasloop compare', not one run; continue it by running the same "
            f"'nasloop compare ... --out {study}' command again, or name one of its runs: "
            f"{study / 'runs' / 'random' / 'seed-0'}")
    assert main(["search", "--resume", str(study)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and said in err[0]
    for call in (resume, summarize):
        with pytest.raises(DataError) as caught:
            call(str(study))
        assert str(caught.value) == said


def test_a_predictor_study_given_for_a_run_is_named(tmp_path: Path, data_dir: Path, capsys) -> None:
    study = tmp_path / "pred"
    _compare(data_dir, study, "--predictors", "zero-cost", "--train-sizes", "8")
    capsys.readouterr()
    assert main(["search", "--resume", str(study)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and (f"{study} is a predictor study written by 'nasloop compare --predictors', not a run; "
                              f"continue it by running the same 'nasloop compare --predictors ... --out {study}' "
                              f"command again, or read it with 'nasloop report {study}'") in err[0]
