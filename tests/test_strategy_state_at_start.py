"""A user's strategy whose state the run store cannot keep from its constructor on is refused before the run's
folder exists (a state that becomes unstorable later is refused at that save: tests/test_plugin_failures.py)."""
from __future__ import annotations

import numpy as np

from nasloop.engine import cli


def test_a_strategy_whose_state_the_store_cannot_keep_from_the_start_is_refused_before_the_run(tmp_path, data_dir,
                                                                                                capsys):
    """A numpy array held from the constructor on was refused at the first save, leaving a failed run of no
    evaluations behind; it is refused before the run's folder exists."""
    from nasloop.engine.registry import STRATEGIES, register_strategy
    from nasloop.strategies.random_search import RandomSearch

    @register_strategy("failing-array-from-start")
    class ArrayFromStart(RandomSearch):
        def state_dict(self):
            return {**super().state_dict(), "seen": np.zeros(3)}

    run = tmp_path / "run"
    try:
        assert cli.main(["search", "--strategy", "failing-array-from-start", "--budget", "4", "--data-dir",
                         str(data_dir), "--run-dir", str(run)]) == 2
    finally:
        del STRATEGIES._items["failing-array-from-start"]
    error = capsys.readouterr().err
    assert ("holds a numpy.ndarray at state['seen'], which the run store keeps as JSON" in error
            and error.count("\n") == 1), error
    assert not run.exists()
