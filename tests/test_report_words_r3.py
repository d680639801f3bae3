"""What a report or a refusal can and cannot say, written beside it: a study's paired tests, its runs left out, and
the proxy evaluator's name for a network's size.

With 5 seeds or fewer the exact Wilcoxon signed-rank test cannot reach 0.05 (its smallest two-sided p is 2 / 2^n),
so a method that won on 5 of 5 seeds read 'n.s.' as though the test had found no difference. Under a minimised
objective the mean difference is in the objective's own units (lower is better) while wins and the effect read
better as positive: a positive difference stood beside 0 wins, unexplained.
"""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main


def test_few_seeds_and_a_minimised_objective_are_said_beside_the_tests(tmp_path: Path, data_dir: Path) -> None:
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random,local", "--objective", "flops_m", "--minimize",
                 "--budget", "5", "--seeds", "2", "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    report = (study / "report.md").read_text()
    assert "| pair (a vs b) | mean a − b (millions) (lower is better) | a wins / losses |" in report
    assert ("With 2 paired seeds, the exact Wilcoxon test's smallest two-sided p is 0.5: no pair can reach 0.05 "
            "however the runs differ; 6 seeds are the fewest that can") in report


def test_a_run_of_another_seed_is_named_as_that(tmp_path: Path, data_dir: Path) -> None:
    """A run of this method at another seed, copied into a seed's folder, was said to be 'another method's run'."""
    import shutil

    from nasloop.engine.study_file import load_study
    from nasloop.engine.study_results import collect

    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "2", "--budget", "3", "--data-dir", str(data_dir),
                 "--out", str(study), "--quiet"]) == 0
    shutil.rmtree(study / "runs" / "random" / "seed-1")
    shutil.copytree(study / "runs" / "random" / "seed-0", study / "runs" / "random" / "seed-1")
    problems = collect(load_study(study)).problems
    assert len(problems) == 1 and "holds another seed's run (it was run with seed 0, not 1)" in problems[0]


def test_a_proxy_run_asked_for_params_m_is_told_the_proxy_evaluators_name(tmp_path: Path, data_dir: Path,
                                                                          capsys) -> None:
    """The train and table evaluators call a network's size params_m; the proxy evaluator's is the params proxy,
    and '--objectives synflow:max,params_m:min' was told to choose from 'synflow' alone."""
    assert main(["search", "--evaluator", "proxy", "--proxies", "synflow", "--strategy", "evolution", "--objectives",
                 "synflow:max,params_m:min", "--budget", "5", "--data-dir", str(data_dir),
                 "--run-dir", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the proxy evaluator's size metric is the params proxy (in millions): name it " \
        "params:min, with params in --proxies, e.g. --proxies synflow,params" in err
    assert not (tmp_path / "run").exists()


def test_the_html_reports_sort_puts_censored_counts_after_reached_ones_and_dashes_last() -> None:
    """A run that missed the target in 40 queries ('>40') sorted with one that reached it at 40, and a '–' (no
    value) was compared as text against numbers, in no defined order. Run in Node where one is installed."""
    import json
    import shutil
    import subprocess

    import pytest

    from nasloop.engine.report import _SORT_SCRIPT

    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js installed (apt install nodejs); the script's sorting is checked in Chromium too")
    cells = [">40 [>40–>40]", "12", "–", "40", "3.5", ">12"]
    program = ("var document = {querySelectorAll: function () { return []; }};\n" + _SORT_SCRIPT +
               f"\nvar cells = {json.dumps(cells)}; cells.sort(function (a, b) {{ var x = sortKey(a), y = sortKey(b);"
               " return x > y ? 1 : x < y ? -1 : 0; }); console.log(JSON.stringify(cells));")
    out = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == ["3.5", "12", ">12", "40", ">40 [>40–>40]", "–"], out.stderr


def test_a_study_without_a_reference_point_is_given_one_for_its_own_objectives(tmp_path: Path, data_dir: Path,
                                                                                capsys) -> None:
    """The example was '80,1.6 for val_accuracy:max,params_m:min' whatever the objectives and their order."""
    assert main(["compare", "--methods", "random", "--objectives", "params_m:min,val_accuracy:max", "--budget", "5",
                 "--seeds", "1", "--data-dir", str(data_dir), "--out", str(tmp_path / "study")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip().endswith("(e.g. the table's worst of each: --reference-point "
                                                          "1.53155,10)")
    assert main(["compare", "--methods", "random", "--objectives", "params_m:min,val_accuracy:max", "--budget", "5",
                 "--seeds", "1", "--reference-point", "1.53155,10", "--data-dir", str(data_dir),
                 "--out", str(tmp_path / "study"), "--quiet"]) == 0  # and it is one a study takes
