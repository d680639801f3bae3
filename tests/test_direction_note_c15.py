"""The note on a metric named without its direction ends its sentence: both forms, ``search --objective`` and
``predictors evaluate --metric``, ended '... or give --objectives edgegpu_latency:max to say higher is', which read
as a line cut short."""
from __future__ import annotations

from nasloop.engine.cli import main


def test_the_search_note_on_an_objective_without_a_direction_ends_its_sentence(tmp_path, data_dir, capsys):
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "1", "--objective",
                 "edgegpu_latency", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 0
    note = next(line for line in capsys.readouterr().err.splitlines() if "is maximised" in line)
    assert note.endswith("or give --objectives edgegpu_latency:max to say higher is better"), note


def test_the_ranking_note_on_a_metric_without_a_direction_ends_its_sentence(data_dir, capsys):
    assert main(["predictors", "evaluate", "--predictor", "random", "--metric", "edgegpu_latency", "--train-sizes",
                 "8", "--seeds", "1", "--data-dir", str(data_dir)]) == 0
    note = next(line for line in capsys.readouterr().err.splitlines() if "higher-is-better" in line)
    assert note.endswith("or edgegpu_latency:max to say higher is better"), note
