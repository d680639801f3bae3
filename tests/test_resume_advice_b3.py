"""``search --resume`` of a run that fails for a predictor option advises a fix the user can follow.

The resumed run failed again with its own advice, '--predictor-opt missing=impute', which ``--resume`` refuses (it
keeps the options a run began with): a study's run is fixed in its method, in the study's compare command (as
``show`` advises it), and a lone run in a new run.
"""
from __future__ import annotations

from nasloop.engine import cli

from .test_study_advice_c2 import FOREST, IN_METHODS, _compare

FIX = "pass --predictor-opt missing=impute to fill them"


def test_a_study_runs_resume_advises_the_methods_option_in_its_compare(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    _compare(study, data_dir, capsys, "--methods", FOREST)
    run = next((study / "runs").iterdir()) / "seed-0"
    assert cli.main(["search", "--resume", str(run), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--predictor-opt" not in err, err
    assert err.startswith("nasloop search: error: feature 'jacov' is undefined"), err
    assert err.endswith(f"{IN_METHODS}, or drop that feature; --resume keeps the options the run began with, so give "
                        f"that fix in the study's 'nasloop compare ... --out {study}' command and run it again"), err


def test_a_lone_runs_resume_advises_a_new_run(tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    argv = ["search", "--strategy", "bananas", "--predictor", "forest", "--predictor-opt", "features=[jacov]",
            "--predictor-opt", "missing=error", "--budget", "11", "--data-dir", str(data_dir), "--run-dir", str(run),
            "--quiet"]
    assert cli.main(argv) == 2
    assert f"{FIX}, or drop that feature" in capsys.readouterr().err  # a new run's advice, as it was
    assert cli.main(["search", "--resume", str(run), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.endswith(f"{FIX}, or drop that feature; --resume keeps the options the run began "
                                            "with, so give that fix to a new 'nasloop search'"), err
