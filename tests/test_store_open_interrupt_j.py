"""A Ctrl-C in the instants after a new run's store file exists and before the loop's own handler is in place."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import resume, run_objectives, search, summarize
from nasloop.engine.store import RunStore

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c


@pytest.mark.parametrize("step", [RunStore._check_schema, run_objectives], ids=["store_opened", "run_begun"])
def test_a_ctrl_c_while_the_new_store_opens_leaves_the_run_interrupted(tmp_path, data_dir, step):
    """The run was left with no status, shown 'stopped' ('no process is searching it'), not 'interrupted' by the
    user as a Ctrl-C a moment later leaves it."""
    run = tmp_path / "run"

    with python_ctrl_c(CtrlCAtCall(step.__code__)), pytest.raises(KeyboardInterrupt):
        search(SearchConfig(strategy="random", budget=3, seed=0, data_dir=str(data_dir), run_dir=str(run)))
    summary = summarize(run)
    assert (summary["status"], summary["evaluations"]) == ("interrupted", 0), summary
    assert summary["stop_reason"] == f"stopped by the user; continue with 'nasloop search --resume {run}'"
    assert resume(run)["evaluations"] == 3
