"""Leftovers reviewers found: a lookup of a cell an imported few-cell NB201 table lacks was charged an estimated
training time; a draw's own value (synflow@0) was no objective; ... Each test states what a user saw before."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

from .messages import one_line
from .test_data_leftovers_b import naslib_pickle


@pytest.mark.usefixtures("isolated_cache")
def test_a_cell_a_few_cell_table_lacks_is_a_free_failure_naming_the_table(tmp_path, capsys):
    """Each lookup of a cell the pickle did not hold failed as 'no 12-epoch cifar10 result' and was still charged
    the FLOPs estimate of its training (five: hundreds of simulated seconds against --max-seconds)."""
    data = tmp_path / "data"
    assert main(["data", "import", "--space", "nb201", str(naslib_pickle(tmp_path / "few.pickle", 2)),
                 "--out", str(data)]) == 0
    assert main(["search", "--space", "nb201", "--data-dir", str(data), "--strategy", "random", "--budget", "5",
                 "--run-dir", str(tmp_path / "run")]) == 1
    one_line(capsys.readouterr().err.strip(), "not in the NB201 table", "holds 2 of the 15,625 cells")
    with RunStore.in_run_dir(tmp_path / "run") as store:
        results = [t.result for t in store.evaluations()]
    assert len(results) == 5 and all(not r.ok and r.cost == 0 and not r.cost_estimated for r in results)


def test_a_draws_own_value_is_an_objective_as_the_readme_says(tmp_path):
    """'--objectives params@1:min' was refused: 'the proxy evaluator reports no 'params@1' metric', though the
    README lists each draw's value (<metric>@<draw>) among what --objectives takes."""
    data = tmp_path / "data"
    data.mkdir()
    assert main(["search", "--space", "nago", "--space-opt", "param_limit=2e4", "--evaluator", "proxy",
                 "--proxies", "params", "--evaluator-opt", "replicates=2", "--objectives", "params@1:min",
                 "--strategy", "random", "--budget", "1", "--data-dir", str(data),
                 "--run-dir", str(tmp_path / "run")]) == 0
    with RunStore.in_run_dir(tmp_path / "run") as store:
        metrics = [t.result.metrics for t in store.evaluations()]
    assert len(metrics) == 1 and all({"params@0", "params@1"} <= set(m) for m in metrics)
