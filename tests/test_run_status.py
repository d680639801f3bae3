"""What ``nasloop show`` says about a run while it runs again: a resumed run's old stop reason is gone."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import resume, search, summarize


def test_a_resumed_run_shows_no_stale_stop_reason_while_it_runs(tmp_path: Path, data_dir: Path) -> None:
    """A run extended (or resumed after Ctrl-C) read "running: budget of 5 evaluations spent" (or "running:
    stopped by the user; continue with 'nasloop search --resume ...'") until it ended: the reason of the stop
    it had already recovered from, telling the user to resume a run that was running."""
    run_dir = tmp_path / "run"
    search(SearchConfig(space="nb201", dataset="cifar10", strategy="random", budget=5, seed=0,
                        data_dir=str(data_dir), run_dir=str(run_dir)))
    assert summarize(run_dir)["stop_reason"] == "budget of 5 evaluations spent"
    seen: list[tuple[str, str | None]] = []

    def observe(done: int, budget: int | None, best: float | None) -> None:
        summary = summarize(run_dir)  # what 'nasloop show' reads, from another connection
        seen.append((summary["status"], summary["stop_reason"]))

    final = resume(run_dir, budget=8, on_progress=observe)
    assert seen and all(status == "running" and reason is None for status, reason in seen), seen
    assert (final["status"], final["stop_reason"]) == ("finished", "budget of 8 evaluations spent")
