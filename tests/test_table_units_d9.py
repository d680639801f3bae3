"""The tables give each metric's unit in its head, as the figures beside them give it on their axes: ``nasloop
show`` listed 'val_accuracy 89.2000' and 'edgegpu_latency 7.5125', and a report's columns read the same, leaving
their reader to guess percent or fraction, milliseconds or seconds. The units come from the plugins'
``metric_units``, the figures' one source; a metric none of them gives a unit stays bare."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main


def test_show_and_a_runs_report_give_the_units_of_its_metrics(tmp_path: Path, data_dir: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "3", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    for head in ("val_accuracy (%)", "params_m (millions)", "edgegpu_latency (ms)", "fpga_energy (mJ)"):
        assert f"│   {head} " in shown, shown
    assert "│   eyeriss_arithmetic_intensity " in shown  # a ratio: no unit
    assert main(["report", str(run)]) == 0
    markdown = (run / "report" / "report.md").read_text(encoding="utf-8")
    assert "| trial | architecture | val_accuracy (%) | test_accuracy (%) | params_m (millions) |" in markdown
    assert "<th>edgegpu_latency (ms)</th>" in (run / "report" / "report.html").read_text(encoding="utf-8")


def test_a_fronts_table_gives_each_objectives_unit(tmp_path: Path, data_dir: Path) -> None:
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--objectives",
                 "val_accuracy:max,edgegpu_latency:min", "--budget", "5", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert main(["report", str(run)]) == 0
    markdown = (run / "report" / "report.md").read_text(encoding="utf-8")
    front = markdown.split("## Pareto front", 1)[1]
    assert "| trial | architecture | val_accuracy (%) | edgegpu_latency (ms) |" in front


def test_a_studys_columns_give_the_objectives_unit(tmp_path: Path, data_dir: Path) -> None:
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random,local", "--seeds", "2", "--budget", "4", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    markdown = (study / "report.md").read_text(encoding="utf-8")
    assert ("| method | seeds | @1 (%) | @2 (%) | @4 (%) | AUC (%) | queries to target: lower median [IQR] | reached "
            "| held-out of chosen (%) |") in markdown
    assert "| pair (a vs b) | mean a − b (%) |" in markdown
    assert "<th>@4 (%)</th>" in (study / "report.html").read_text(encoding="utf-8")


def test_a_metric_without_a_unit_is_shown_bare(tmp_path: Path, data_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--evaluator", "proxy", "--proxies", "synflow", "--space-opt",
                 "channels=4", "--space-opt", "cells=1", "--strategy", "random", "--budget", "2",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    assert "│   synflow " in shown and "synflow (" not in shown, shown
