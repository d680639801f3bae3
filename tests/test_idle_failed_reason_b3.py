"""A failed run whose error came after its last (failed) evaluation, its budget spent, is resumed as what it is.

Such a run (an API hook raising once the budget was spent) is stored as failed with the hook's error as its reason.
A resume had nothing to do with it (every evaluation failed, the budget spent), yet said 'failed: <the hook's
error>', which nothing the resume did raised, and never that every evaluation failed; ``show`` kept saying the same.
The resume now says the budget was spent and the error came after, and stores the reason the loop gives a run whose
every evaluation failed.
"""
from __future__ import annotations

import json

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import search

from .test_idle_resume_a2 import FAILING
from .test_idle_resume_x import _files

HOOK_ERROR = "the progress file /nonexistent/progress.txt cannot be written"
ALL_FAILED = "all 2 evaluations failed; the first: no finite 'edgetpu_latency'"


def _hook(done: int, budget: int | None, best: float | None) -> None:
    """A user's progress hook that fails once the search has done its budget."""
    if done == budget:
        raise ConfigError(HOOK_ERROR)


def test_a_run_failed_by_an_error_after_its_spent_budget_is_resumed_as_every_evaluation_failed(
        tmp_path, data_dir, capsys, monkeypatch):
    run = tmp_path / "run"
    config = SearchConfig(space="nb201", strategy="random", objective="edgetpu_latency", minimize=True, seed=42,
                          budget=2, data_dir=str(data_dir), run_dir=str(run))
    assert FAILING[-1] == "42"  # the seed whose first two cells lack the objective
    with pytest.raises(ConfigError, match=HOOK_ERROR):
        search(config, on_progress=_hook)
    assert main(["show", "--json", str(run)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["status"], shown["stop_reason"], shown["failed"]) == ("failed", HOOK_ERROR, 2)

    assert main(["search", "--resume", str(run), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == (f"nasloop search: note: nothing to do: {run} had already failed: every evaluation failed, and "
                      f"its budget was spent before the error it was stored with ({HOOK_ERROR}); give a larger "
                      "--budget to try more architectures")
    assert len(err) == 2 and err[1].startswith(f"nasloop search: failed: {ALL_FAILED}"), err

    before = _files(tmp_path)  # stored as the loop stores it, the run is left as it is from now on
    assert main(["search", "--resume", str(run), "--quiet"]) == 1
    assert capsys.readouterr().err.startswith(f"nasloop search: note: nothing to do: {run} had already failed; give "
                                              "a larger --budget to try more architectures\n")
    after = _files(tmp_path)
    assert sorted(after) == sorted(before) and not [name for name in before if after[name] != before[name]]
    assert main(["show", "--json", str(run)]) == 0
    assert json.loads(capsys.readouterr().out)["stop_reason"].startswith(ALL_FAILED)
