"""compare --predictors' report shows how many cells each row's fits ranked (its test column), as predictors
evaluate's table does: a metric the table lacks for some cells (HW-NAS-Bench has no Edge TPU latency for 4,699 NB201
cells) ranks fewer than the task's, which the report's table did not say."""
from __future__ import annotations

import pytest

from nasloop.engine.predictor_report import predictor_table
from nasloop.engine.predictor_study import METRICS


def _column(markdown: str, name: str) -> list[str]:
    """The cells of column ``name`` in the first Markdown table of ``markdown``."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    head = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")][head.index(name)] for line in lines[2:]]


def test_the_report_of_a_metric_some_cells_lack_shows_the_cells_ranked(nasloop_in_process, data_dir, tmp_path):
    if not (data_dir / "nb201_hw_metrics.csv.gz").exists():
        pytest.skip("no HW-NAS-Bench file in the data folder")
    done = nasloop_in_process(["compare", "--space", "nb201", "--predictors", "random", "--metric",
                               "edgetpu_latency:min", "--train-sizes", "8,16", "--seeds", "2", "--out",
                               str(tmp_path / "study"), "--data-dir", str(data_dir)])
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "study" / "report.md").read_text(encoding="utf-8")
    assert _column(report, "train") == ["8", "16"] and _column(report, "test") == ["10,918", "10,910"]
    assert _column(done.stdout, "test") == ["10,918", "10,910"]  # the table the command prints


def test_records_without_a_test_size_show_none_and_seeds_that_differ_their_range() -> None:
    records = [{"predictor": "gp", "train_size": 8, "seed": seed, **dict.fromkeys(METRICS, 0.5)} for seed in (0, 1)]
    head, rows = predictor_table(records)  # a study's records from before they held the test size
    assert head[:4] == ["predictor", "train", "test", "seeds"] and rows[0][2] == "–"
    records[0]["test_size"], records[1]["test_size"] = 15617, 15609
    assert predictor_table(records)[1][0][2] == "15,609–15,617"
    records[1]["test_size"] = 15617
    assert predictor_table(records)[1][0][2] == "15,617"
