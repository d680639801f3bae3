"""What ``nasloop compare`` and a study's report say of a run that stopped names the study's way on (its compare run
again, which resumes the run), not the lone run's 'nasloop search --resume DIR' (engine/stop_reasons.py,
in_study_terms), as ``nasloop show`` of the run already did."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.registry import register_strategy
from nasloop.engine.run_lock import RunLock
from nasloop.strategies.random_search import RandomSearch


class Late(RandomSearch):
    """Raises at its ``failing``-th ask in this process (a user's bug, fixed by then for the next command)."""

    failing = 1
    asks = 0

    def ask(self, n):
        Late.asks += 1
        if Late.asks == Late.failing:
            raise RuntimeError("late failure")
        return super().ask(n)


def _compare(run, out: Path, data_dir: Path):
    return run(["compare", "--methods", "b8-late", "--budget", "10", "--seeds", "1", "--data-dir", str(data_dir),
                "--out", str(out), "--quiet"])


def _study_advice(out: Path) -> str:
    return f"continue the study by running the same 'nasloop compare ... --out {out}' command again"


def test_the_report_of_a_failed_run_names_the_study_s_compare(tmp_path, data_dir, nasloop_in_process, monkeypatch):
    register_strategy("b8-late")(Late)
    monkeypatch.setattr(Late, "asks", 0)
    out = tmp_path / "study"
    assert _compare(nasloop_in_process, out, data_dir).returncode == 1
    left_out = next(line for line in (out / "report.md").read_text().splitlines() if "b8-late seed 0: failed" in line)
    assert f"once fixed, {_study_advice(out)}" in left_out and "search --resume" not in left_out, left_out


def test_a_run_compare_cannot_resume_names_the_study_s_compare(tmp_path, data_dir, nasloop_in_process, monkeypatch):
    register_strategy("b8-late")(Late)
    monkeypatch.setattr(Late, "asks", 0)
    monkeypatch.setattr(Late, "failing", 5)  # after evaluations: the run is left interrupted
    out = tmp_path / "study"
    assert _compare(nasloop_in_process, out, data_dir).returncode == 1
    with RunLock(out / "runs" / "b8-late" / "seed-0"):  # another process searching it
        held = _compare(nasloop_in_process, out, data_dir)
    assert held.returncode == 1 and "is being searched by" in held.stderr, held.stderr
    assert f"stop it and {_study_advice(out)}" in held.stderr and "search --resume" not in held.stderr, held.stderr
