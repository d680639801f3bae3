"""A metric other than the task's own, named without a direction, is maximised: each command that takes one says so.

``nasloop search --objective edgegpu_latency`` returned the slowest cell as the best, and ``predictors evaluate``
and ``compare --predictors`` with ``--metric edgegpu_latency`` counted the slowest cells as the top ones, without a
word, where ``--objectives`` refuses a bare name."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

_SEARCH_NOTE = ("nasloop search: note: --objective edgegpu_latency is maximised; add --minimize if lower is better "
                "(a latency, an energy, params_m, flops_m), or give --objectives edgegpu_latency:max to say higher is")
_RANK_NOTE = ("note: --metric edgegpu_latency is ranked higher-is-better (the top-k precisions count the cells of "
              "highest edgegpu_latency); write --metric edgegpu_latency:min if lower is better")


def test_search_notes_a_cost_objective_without_a_direction(tmp_path, data_dir, capsys):
    base = ["search", "--space", "nb201", "--strategy", "random", "--budget", "2", "--data-dir", str(data_dir),
            "--quiet"]
    assert main([*base, "--objective", "edgegpu_latency", "--run-dir", str(tmp_path / "bare")]) == 0
    assert _SEARCH_NOTE in capsys.readouterr().err
    for given, run in ((["--objective", "edgegpu_latency", "--minimize"], "min"),
                       (["--objectives", "edgegpu_latency:max"], "max"), (["--objective", "val_accuracy"], "own")):
        assert main([*base, *given, "--run-dir", str(tmp_path / run)]) == 0
        assert "is maximised" not in capsys.readouterr().err, given


@pytest.mark.parametrize("command", [["predictors", "evaluate", "--predictor", "random"],
                                     ["compare", "--predictors", "random"]])
def test_ranking_by_a_cost_metric_without_a_direction_is_noted(command, tmp_path, data_dir, capsys):
    base = [*command, "--train-sizes", "8", "--seeds", "1", "--data-dir", str(data_dir)]
    out = ["--out", str(tmp_path / "bare"), "--quiet"] if command[0] == "compare" else []
    assert main([*base, "--metric", "edgegpu_latency", *out]) == 0
    err = capsys.readouterr().err
    assert f"nasloop {' '.join(command[:2]) if command[0] == 'predictors' else 'compare'}: {_RANK_NOTE}" in err
    assert err.count(_RANK_NOTE) == 1  # once, not once a fit
    for metric, folder in (("edgegpu_latency:min", "min"), ("edgegpu_latency:max", "max"), ("val_accuracy", "own")):
        out = ["--out", str(tmp_path / folder), "--quiet"] if command[0] == "compare" else []
        assert main([*base, "--metric", metric, *out]) == 0
        assert "higher-is-better" not in capsys.readouterr().err, metric
