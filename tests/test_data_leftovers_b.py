"""Benchmark data a new user meets: a hardware objective without HW-NAS-Bench's file, 'nasloop spaces' without a
table, an import of a few cells over a full table, a NASLib pickle of the wrong shape. Each said the wrong thing or
lost data; the fixtures are NASLib's public NB201 pickle layout, built here."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_hardware_objective_without_its_file_names_the_file_and_how_to_get_it(tmp_path, nb201_csv_path, capsys):
    """The search listed the metrics at hand only (flops_m, params_m...): nothing said where edgegpu_latency is."""
    data = tmp_path / "data"
    data.mkdir()
    (data / nb201_csv_path.name).symlink_to(nb201_csv_path)
    assert main(["search", "--space", "nb201", "--data-dir", str(data), "--objectives",
                 "val_accuracy:max,edgegpu_latency:min", "--budget", "3", "--run-dir", str(tmp_path / "run")]) == 2
    error = one_line(capsys.readouterr().err.strip(), "'edgegpu_latency'", "HW-NAS-Bench", "nb201_hw_metrics.csv.gz",
                     "not found", f"looked in {data}", "--data-dir")
    assert "choose --objectives from: flops_m, params_m" in error
    assert not (tmp_path / "run").exists()


def test_zero_cost_on_tnb101_micro_without_its_table_is_listed_as_needing_it(capsys):
    """Its stored proxies were taken for none stored, and the predictor left out as never working there."""
    assert main(["spaces", "tnb101-micro"]) == 0
    predictors = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("  predictors:"))
    assert predictors.endswith("zero-cost (with the benchmark's data, which was not found)")


def test_a_search_of_a_stored_proxy_without_the_table_names_the_missing_file(tmp_path, capsys):
    """It said the task 'stores no proxies', when the table that stores them was not found."""
    assert main(["search", "--space", "tnb101-micro", "--strategy", "predictor-topk", "--predictor", "zero-cost",
                 "--evaluator", "proxy", "--budget", "2", "--data-dir", str(tmp_path),
                 "--run-dir", str(tmp_path / "run")]) == 2
    error = one_line(capsys.readouterr().err.strip(), "proxy 'zen'", "stored proxies", "transnas101_val.json.gz",
                     "not found", str(tmp_path))
    assert "stores no proxies" not in error
