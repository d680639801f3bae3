"""A warm-up named for a run whose evaluator's default objective is not accuracy is kept with a note.

The strategy saw only the configured objectives: with no ``--objective``, a proxy evaluator's run (which maximises
its first proxy) looked like one optimising accuracy, and its warm-up, which ranks for accuracy, was said nothing
of. The strategy now sees the run's objective as the evaluator resolves it; a run training for validation accuracy
(the train evaluator's default, whatever the space's table tabulates: NDS' test accuracy) still gets no note.
"""
from __future__ import annotations

import pytest

from nasloop import SearchConfig
from nasloop.engine.cli import main
from nasloop.engine.search import build_plugins

NOTE = "rank architectures for accuracy"

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_a_proxy_evaluators_default_objective_gets_the_note(tmp_path, data_dir, capsys):
    command = ["search", "--evaluator", "proxy", "--proxies", "params", "--strategy", "predictor-topk", "--predictor",
               "gp", "--strategy-opt", "warmup=[params,zen]", "--budget", "3", "--data-dir", str(data_dir), "--quiet"]
    assert main([*command, "--run-dir", str(tmp_path / "default")]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if NOTE in line]
    assert notes == ["nasloop search: note: the warm-up proxies (params, zen) rank architectures for accuracy, not for "
                     "params:max: its first picks may be far from this objective's best (warmup: null starts at "
                     "random)"]
    assert main([*command, "--objective", "params", "--run-dir", str(tmp_path / "named")]) == 0  # as when named
    assert [line for line in capsys.readouterr().err.splitlines() if NOTE in line] == notes


@pytest.mark.parametrize("space", ["nb201", "nds-darts"])
def test_a_train_evaluators_default_objective_gets_none(space, tmp_path, data_dir):
    notes: list[str] = []
    config = SearchConfig(space=space, evaluator="train", strategy="predictor-topk", predictor="gp",
                          strategy_options={"warmup": ["params"], "warmup_pool": 4}, data_dir=str(data_dir),
                          run_dir=str(tmp_path / "run"))
    build_plugins(config, notes.append)[3].close()
    assert not [note for note in notes if NOTE in note]


def test_auto_warmup_resolves_from_the_configured_objectives_alone(tmp_path, data_dir):
    """``warmup: auto`` read the configured objectives only, so a lookup evaluator of the user's whose default
    objective is a size started from the benchmark's warm-up proxies; seeing the evaluator's default turned that
    into a random start, and such a stored run resumed to other picks."""
    from nasloop.engine.evaluators.tabular import TabularEvaluator
    from nasloop.engine.registry import EVALUATORS

    class SmallestFirst(TabularEvaluator):
        """A table lookup whose default objective is the cell's size, smallest first."""
        answers_table = False

        def __init__(self, space, context=None):
            super().__init__(space, context)  # (which takes the task's metric)
            self.objective, self.minimize = "params_m", True

    EVALUATORS.register("smallest-first-c3")(SmallestFirst)  # (conftest drops it after the test)
    config = SearchConfig(space="nb201", evaluator="smallest-first-c3", strategy="predictor-topk", predictor="gp",
                          data_dir=str(data_dir), run_dir=str(tmp_path / "run"))
    strategy = build_plugins(config)[1]
    strategy_default = build_plugins(config.replace(evaluator="tabular"))[1]
    assert strategy.warmup and strategy.warmup == strategy_default.warmup
