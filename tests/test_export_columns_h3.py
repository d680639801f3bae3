"""No two columns of a CSV export share a name: an evaluator's metrics ``arch`` and ``metrics.arch`` were both written
``metrics.arch`` (a metric named like a trial column takes the prefix), and the value of ``arch`` was lost."""
from __future__ import annotations

import csv

from nasloop.engine.cli import main
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result

from .digit_space import DigitSpace, DigitSum


def test_metrics_named_like_a_column_or_its_prefixed_name_keep_their_own_columns(tmp_path, capsys):
    register_search_space("h3-export-digits")(type("ExportDigits", (DigitSpace,), {"name": "h3-export-digits"}))

    @register_evaluator("h3-odd-metrics")
    class OddMetrics(DigitSum):
        def metric_names(self, fidelity=None):
            return ["score", "arch", "metrics.arch"]

        def evaluate(self, arch, fidelity=None):
            return Result(metrics={"score": float(sum(arch)), "arch": 1.0, "metrics.arch": 4.0}, cost=1.0)

    run = tmp_path / "run"
    assert main(["search", "--space", "h3-export-digits", "--evaluator", "h3-odd-metrics", "--budget", "3",
                 "--run-dir", str(run), "--quiet"]) == 0, capsys.readouterr().err
    assert main(["export", str(run), str(tmp_path / "out.csv")]) == 0
    with open(tmp_path / "out.csv", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert len(set(header)) == len(header), header
    assert header[-3:] == ["metrics.arch", "metrics.metrics.arch", "metrics.score"]
    assert len(rows) == 3 and all(row[-3:-1] == ["1.0", "4.0"] for row in rows), rows
