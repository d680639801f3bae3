"""``nasloop compare`` and ``nasloop report`` on the real NB201 table, and the study statistics.

The studies here are small (three fast methods, three seeds, budget 30) but real: every run is a
search through the CLI's own path, read back from its store.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError, RegistryError
from nasloop.engine.plots import anytime_plot, pyplot
from nasloop.engine.search import search
from nasloop.engine.study_file import load_study
from nasloop.engine.study_methods import parse_method
from nasloop.engine.study_results import collect
from nasloop.engine.study_stats import (best_so_far, censored_quantiles, holm, mean_interval, paired_tests,
                                        queries_to_target, rank_biserial)

from .cli_processes import drawn_on_a_terminal

METHODS = "random,evolution+population_size=10+sample_size=3,local"


def compare(study: Path, data_dir: Path, *extra: str, methods: str = METHODS, seeds: int = 3) -> int:
    return main(["compare", "--methods", methods, "--seeds", str(seeds), "--budget", "30", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", *extra])


def scores_in(run_dir: Path) -> list[float]:
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:
        return [math.nan if s is None else s for (s,) in
                db.execute("SELECT score FROM trials WHERE state != 'duplicate' ORDER BY id")]


# --- methods --------------------------------------------------------------------------------------
def test_a_method_spec_names_strategy_predictor_and_options():
    method = parse_method("predictor-topk:flan+warmup+num_init=4+ensemble=2")
    assert (method.strategy, method.predictor) == ("predictor-topk", "flan")
    assert method.strategy_options == {"warmup": True, "num_init": 4}
    assert method.predictor_options == {"ensemble": 2}
    assert parse_method("evolution").predictor is None


@pytest.mark.parametrize("spec,error,fragment", [
    ("anneal", RegistryError, "unknown strategy 'anneal'"),
    ("bananas:oracle", RegistryError, "unknown predictor 'oracle'"),
    ("evolution+popsize=3", ConfigError, "strategy 'evolution' takes no option 'popsize'; strategy options: "),
    ("bananas:gp+depth=3", ConfigError, "neither strategy 'bananas' nor predictor 'gp' takes option 'depth'; "),
    (":flan", ConfigError, "names no strategy"),
])
def test_a_bad_method_is_one_line_naming_it(spec, error, fragment):
    with pytest.raises(error) as raised:
        parse_method(spec)
    assert fragment in str(raised.value) and "\n" not in str(raised.value)


def test_a_bad_method_option_fails_before_the_study_folder_exists(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert compare(study, data_dir, methods="random,evolution+population_size=abc") == 2
    assert not study.exists()
    assert "population_size must be an integer >= 2 and <= 10000000, got 'abc'" in capsys.readouterr().err


# --- a study ----------------------------------------------------------------------------------------
def test_a_study_is_runs_a_grid_a_report_and_reproducible_numbers(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert compare(study, data_dir) == 0
    first = capsys.readouterr().out
    loaded = load_study(study)
    assert [m.label for m in loaded.methods] == METHODS.split(",") and loaded.seeds == [0, 1, 2]
    for method, seed in loaded.runs():  # each (method, seed) is an ordinary run
        run_dir = loaded.run_dir(method, seed)
        assert main(["show", str(run_dir), "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert (shown["strategy"], shown["seed"], shown["evaluations"]) == (method.strategy, seed, 30)
    # The figures' and tables' numbers are the stores' numbers.
    results = collect(loaded, target=91.57)
    for method in loaded.methods:
        curves = np.vstack([best_so_far(scores_in(loaded.run_dir(method, s)), 30) for s in loaded.seeds])
        mean, low, high = results.anytime(method.label)
        assert np.allclose(mean, curves.mean(axis=0))
        half = stats.t.ppf(0.975, 2) * stats.sem(curves, axis=0)
        assert np.allclose(high - mean, half, equal_nan=True)
        _, boot_low, boot_high = collect(loaded, target=91.57, interval="bootstrap").anytime(method.label)
        assert np.all((boot_low <= mean + 1e-9) & (mean <= boot_high + 1e-9))
    # The anytime axis spans the seeds' values (and the target): three seeds' t bands run past them.
    figure = anytime_plot(results)
    bottom, top = figure.axes[0].get_ylim()
    pyplot().close(figure)
    seeds_values = np.concatenate([np.concatenate(results.methods[m.label].curves) for m in loaded.methods])
    seeds_values = np.append(seeds_values[np.isfinite(seeds_values)], 91.57)
    assert bottom < seeds_values.min() and seeds_values.max() < top <= seeds_values.max() + 0.05 * np.ptp(seeds_values)
    assert max(np.nanmax(results.anytime(m.label)[2]) for m in loaded.methods) > top
    # Running the same command again runs nothing and prints the same table.
    assert compare(study, data_dir) == 0
    assert capsys.readouterr().out.splitlines()[:6] == first.splitlines()[:6]
    report = (study / "report.html").read_text()
    parser = _Tags()
    parser.feed(report)
    assert parser.tables == 3 and parser.sortable == 3 and parser.images >= 3 and parser.scripts == 1
    assert "nasloop compare" in report and "scipy" in report
    assert (study / "figures" / "anytime.svg").exists() and (study / "figures" / "queries_to_target.png").exists()
    for command in (["show", str(study)], ["export", str(study), str(tmp_path / "out.csv")]):
        assert main(command) == 2
        assert f"is a study of 'nasloop compare', not one run; read it with 'nasloop report {study}'" in \
            capsys.readouterr().err


def test_new_methods_and_seeds_join_and_another_grid_is_refused(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert compare(study, data_dir, methods="random", seeds=2) == 0
    assert "(1 method, 2 seeds; 2 runs used)" in capsys.readouterr().out  # counted in words that agree
    before = (study / "runs" / "random" / "seed-0" / "nasloop.sqlite").stat().st_mtime_ns
    assert compare(study, data_dir, methods="local", seeds=3) == 0
    loaded = load_study(study)
    assert [m.label for m in loaded.methods] == ["random", "local"] and loaded.seeds == [0, 1, 2]
    assert (study / "runs" / "random" / "seed-0" / "nasloop.sqlite").stat().st_mtime_ns == before
    assert (study / "runs" / "random" / "seed-2" / "nasloop.sqlite").exists()
    capsys.readouterr()
    assert main(["compare", "--methods", "random", "--seeds", "2", "--budget", "40", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 2
    assert "holds a study with budget = 30, not 40; use another --out, or --force-new" in capsys.readouterr().err
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "40", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", "--force-new"]) == 0
    assert load_study(study).base.budget == 40
    assert len(list(tmp_path.glob("study.replaced-*"))) == 1  # the old study is kept whole, beside it
    kept = (study / "runs" / "random" / "seed-0" / "nasloop.sqlite").stat().st_mtime_ns
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "40", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", "--force-new"]) == 0
    assert len(list(tmp_path.glob("study.replaced-*"))) == 1  # its own grid is continued, not set aside and rerun
    assert (study / "runs" / "random" / "seed-0" / "nasloop.sqlite").stat().st_mtime_ns == kept


def test_force_new_sets_aside_a_study_whose_file_is_damaged_and_a_run_folder_is_no_study(tmp_path, data_dir,
                                                                                         capsys):
    """Reading the study first made --force-new refuse the one folder it exists to set aside; a study written
    into a run's folder mixed the two."""
    study = tmp_path / "study"
    assert compare(study, data_dir, methods="random", seeds=1) == 0
    (study / "study.json").write_text("{broken")
    assert compare(study, data_dir, methods="random", seeds=1) == 2
    assert "set the folder aside" in capsys.readouterr().err
    assert compare(study, data_dir, "--force-new", methods="random", seeds=1) == 0
    assert len(list(tmp_path.glob("study.replaced-*"))) == 1 and load_study(study).seeds == [0]
    run = tmp_path / "run"
    assert main(["search", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert compare(run, data_dir, methods="random", seeds=1) == 2
    assert f"--out {run} holds a run (nasloop.sqlite); choose another folder for the study" in capsys.readouterr().err
    assert not (run / "study.json").exists()


def test_a_search_into_a_study_folder_is_refused(tmp_path, data_dir, capsys):
    """Its store landed beside study.json, and neither show nor the study could read it back."""
    study = tmp_path / "study"
    assert compare(study, data_dir, methods="random", seeds=1) == 0
    for run_dir, said in ((study, "is the folder of a 'nasloop compare' study"),
                          (study / "runs" / "random", f"is a method's folder in the 'nasloop compare' study {study}")):
        assert main(["search", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run_dir)]) == 2
        assert f"the run folder {run_dir} {said}; give a --run-dir outside it" in capsys.readouterr().err
        assert not (run_dir / "nasloop.sqlite").exists()


def test_a_second_compare_on_a_study_being_run_is_refused_and_leaves_its_report(tmp_path, data_dir, capsys):
    """It found every run locked, printed their errors and rewrote the report from none of them."""
    from nasloop.engine.run_lock import StudyLock

    study = tmp_path / "study"
    assert compare(study, data_dir, methods="random", seeds=1) == 0
    report = (study / "report.md").read_text()
    with StudyLock(study):  # as a running compare holds it
        assert compare(study, data_dir, methods="random", seeds=1) == 2
        assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "40", "--out", str(study),
                     "--data-dir", str(data_dir), "--quiet", "--force-new"]) == 2  # nor is it set aside
    err = capsys.readouterr().err
    assert err.count(f"the study {study} is being run by process {os.getpid()}; wait for it to finish") == 2
    assert (study / "report.md").read_text() == report and not list(tmp_path.glob("study.replaced-*"))


def test_a_killed_study_resumes_to_the_uninterrupted_numbers(tmp_path, data_dir, nasloop_in_process):
    study = tmp_path / "study"
    argv = [sys.executable, "-m", "nasloop.engine.cli", "compare", "--methods", "bananas:gp", "--seeds", "1",
            "--budget", "30", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = study / "runs" / "bananas-gp" / "seed-0" / "nasloop.sqlite"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if store.exists() and len(scores_in(store.parent)) >= 12:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < len(scores_in(store.parent)) < 30
    assert nasloop_in_process(argv[3:]).returncode == 0  # the kill needs a process, the study's resume none
    reference = tmp_path / "reference"
    search(SearchConfig(strategy="bananas", predictor="gp", budget=30, seed=0, data_dir=str(data_dir),
                        run_dir=str(reference)))
    assert scores_in(store.parent) == scores_in(reference)


# --- statistics --------------------------------------------------------------------------------------
def test_statistics_agree_with_their_definitions():
    assert best_so_far([1.0, math.nan, 3.0, 2.0], 6).tolist() == [1.0, 1.0, 3.0, 3.0, 3.0, 3.0]
    assert queries_to_target([1.0, 5.0, 9.0], 5.0) == 2 and math.isinf(queries_to_target([1.0], 5.0))
    summary = censored_quantiles([10, 20, math.inf, math.inf, 30])
    assert (summary.median, summary.reached, summary.describe(200)) == (30, 3, "30 [20–>200]")
    # Two or three runs have no quartiles to speak of: the bracket shows their range.
    assert censored_quantiles([math.inf, 26]).describe(64) == "26 [26–>64]"
    assert censored_quantiles([9, 26, 12]).describe(64) == "12 [9–26]"
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert rank_biserial(np.array([1.0, 2.0, 3.0])) == 1.0 and rank_biserial(np.array([-1.0, 1.0])) == 0.0
    samples = np.random.default_rng(0).normal(size=(12, 3))
    mean, low, high = mean_interval(samples)
    t_low, t_high = stats.t.interval(0.95, 11, loc=samples.mean(axis=0), scale=stats.sem(samples, axis=0))
    assert np.allclose(low, t_low) and np.allclose(high, t_high)
    boot_mean, boot_low, boot_high = mean_interval(samples, "bootstrap")
    assert np.all(boot_low < boot_mean) and np.all(boot_mean < boot_high)
    better = np.arange(10.0) + 1.0
    tests = paired_tests({"a": better, "b": better - 0.5 - np.arange(10) * 0.01})
    assert tests[0].wins == 10 and tests[0].p_value == pytest.approx(
        stats.wilcoxon(np.full(10, 0.5) + np.arange(10) * 0.01).pvalue)
    assert tests[0].significant and tests[0].effect == 1.0


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = self.sortable = self.images = self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables += 1
            self.sortable += "sortable" in (attrs.get("class") or "")
        elif tag == "img" and (attrs.get("src") or "").startswith("data:image/png;base64,"):
            self.images += 1
        elif tag == "script":
            self.scripts += 1


def test_a_single_run_report_shows_its_trajectory_best_cells_and_failures(tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    main(["search", "--space", "nb101", "--space-opt", "table_only=false", "--strategy", "random", "--budget", "30",
          "--seed", "0", "--quiet", "--data-dir", str(data_dir), "--run-dir", str(run)])
    capsys.readouterr()
    assert main(["report", str(run)]) == 0
    markdown = (run / "report" / "report.md").read_text()
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        ok, failed = (db.execute("SELECT COUNT(*) FROM trials WHERE status = ? AND state != 'duplicate'",
                                 (status,)).fetchone()[0] for status in ("ok", "failed"))
    assert ok > 0 and failed > 0
    assert f"## Failed evaluations ({failed})" in markdown and "not in the NB101 table" in markdown
    assert markdown.count("\n| ") == (min(ok, 10) + 1) + (failed + 1)  # each table: a header and its rows
    parser = _Tags()
    parser.feed((run / "report" / "report.html").read_text())
    assert parser.images == 1 and parser.tables == 2


def test_report_tables_keep_their_columns_and_show_the_digits_that_differ():
    from nasloop.engine.report import _digits, markdown_table

    cell = "|nor_conv_3x3~0|+|none~0|skip_connect~1|"  # NB201's arch strings are full of table pipes
    line = markdown_table((["trial", "architecture", "val_accuracy"], [["3", cell, "91.5"]])).splitlines()[-1]
    assert line.replace("\\|", "").count("|") == 4 and cell.replace("|", "\\|") in line
    assert (_digits([91.61, 91.59]), _digits([-0.6099, -0.6121]), _digits([0.0312, 0.0298])) == (2, 4, 4)


def test_the_report_renders_in_a_headless_browser(tmp_path, data_dir):
    import shutil

    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
                   None)
    if browser is None:
        pytest.skip("no Chromium installed (apt install chromium); the HTML structure is checked above")
    study = tmp_path / "study"
    assert compare(study, data_dir, methods="random,local", seeds=2) == 0
    # The report as the browser loads it, plus a probe run after load: it clicks the first column
    # head of each sortable table (the report's own script sorts) and writes what it sees.
    probe = """<script>window.addEventListener('load', function () {
      var tables = Array.from(document.querySelectorAll('table.sortable')).map(function (t) {
        t.tHead.rows[0].cells[0].click();
        return Array.from(t.tBodies[0].rows).map(function (r) { return r.cells[0].textContent; }); });
      var images = Array.from(document.images).map(function (i) { return i.complete && i.naturalWidth; });
      var out = document.createElement('pre'); out.id = 'probe';
      out.textContent = JSON.stringify({tables: tables, images: images}); document.body.appendChild(out); });
    </script>"""
    page = tmp_path / "probed.html"
    page.write_text((study / "report.html").read_text().replace("</body>", probe + "</body>"))
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    seen = json.loads(html.unescape(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1)))
    assert seen["images"] and all(width > 300 for width in seen["images"])  # every figure decoded
    # The results table lists methods as --methods does (random, local); the click reorders it.
    assert seen["tables"][0] == ["local", "random"] and len(seen["tables"]) >= 2
    for rows in seen["tables"]:  # one click sorts a table by its first column, ascending
        assert rows == sorted(rows, key=lambda text: (0, float(text.lstrip(">")), "") if _is_number(text)
                              else (1, 0.0, text))


def _is_number(text: str) -> bool:
    try:
        float(text.lstrip(">"))
    except ValueError:
        return False
    return True


def test_a_refused_predictor_study_leaves_no_folder_and_flags_of_the_other_kind_are_refused(tmp_path, data_dir,
                                                                                           capsys):
    study = tmp_path / "refused"
    base = ["compare", "--seeds", "1", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]
    assert main(base + ["--predictors", "forest,flan", "--predictor-opt", "pretrained=nowhere.pt"]) == 2
    assert "has no option 'pretrained'" in capsys.readouterr().err and not study.exists()
    for flag in (["--train-sizes", "8"], ["--predictor-opt", "trees=10"], ["--metric", "test_accuracy"]):
        assert main(base + ["--methods", "random"] + flag) == 2
        assert f"{flag[0]} belongs to a predictor study (--predictors)" in capsys.readouterr().err
    for flag in (["--budget", "50"], ["--objective", "test_accuracy"], ["--evaluator", "proxy"]):
        assert main(base + ["--predictors", "gp"] + flag) == 2
        assert f"{flag[0]} belongs to a search study (--methods)" in capsys.readouterr().err
    assert not study.exists()


def test_lists_show_plain_text_and_the_version_is_known(capsys):
    assert main(["predictors"]) == 0
    listing = capsys.readouterr().out
    assert "``" not in listing and ":class:" not in listing
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("nasloop ")


def test_progress_shows_on_a_terminal_and_stays_out_of_pipes(tmp_path, data_dir):
    argv = [sys.executable, "-m", "nasloop.engine.cli", "proxies", "--sample", "3", "--proxies", "params",
            "--space-opt", "channels=4", "--space-opt", "cells=1", "--data-dir", str(data_dir)]
    piped = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == "" and len(piped.stdout.splitlines()) == 3
    status, seen = drawn_on_a_terminal(argv)
    assert status == 0 and b"scoring" in seen


def test_the_example_methods_file_reads_with_its_full_options():
    from nasloop.engine.study_methods import read_methods

    methods = read_methods(Path(__file__).resolve().parents[1] / "examples" / "methods.yaml")
    assert [m.label for m in methods] == ["evolution-100", "bananas-gp-ei", "flan-warm"]
    assert methods[2].strategy_options == {"warmup": True, "batch_size": 8}
    assert methods[2].predictor_options == {"ensemble": 4}


def test_runs_as_ray_tasks_give_the_numbers_of_local_processes(tmp_path, data_dir, capsys, monkeypatch):
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert compare(local, data_dir, methods="random,local", seeds=2) == 0
    for key, value in {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
                       "RAY_AUTH_MODE": "disabled"}.items():  # a local Ray on loopback, as the executor starts one
        monkeypatch.setenv(key, value)
    assert compare(on_ray, data_dir, "--executor", "ray", methods="random,local", seeds=2) == 0
    for method in ("random", "local"):
        for seed in (0, 1):
            assert scores_in(on_ray / "runs" / method / f"seed-{seed}") == \
                scores_in(local / "runs" / method / f"seed-{seed}")
    capsys.readouterr()
    assert compare(tmp_path / "x", data_dir, "--ray-address", "127.0.0.1:1", methods="random") == 2
    assert "add --executor ray" in capsys.readouterr().err
