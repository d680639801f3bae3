"""A study's failed run is continued by the same command once its cause is mended, not kept as failed."""
from __future__ import annotations

import sqlite3

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import summarize
from nasloop.strategies.random_search import RandomSearch

BROKEN = {"after": 4}
"""Asks the flaky strategy answers before it raises; None once 'mended'."""


def test_a_failed_run_is_continued_once_its_cause_is_mended(tmp_path, data_dir, capsys):
    """It was kept as 'failed (kept)': the same command then exited 0 with a table that left the method out."""

    @register_strategy("flaky")
    class Flaky(RandomSearch):
        """Random search whose ask fails once it has heard of a few results, as a user's plugin with a bug does."""

        def __init__(self, space, seed=0):
            super().__init__(space, seed)
            self.told = 0

        def ask(self, n):
            if BROKEN["after"] is not None and self.told >= BROKEN["after"]:
                raise ConfigError("flaky: an encoding of another length")  # as nasloop's checks name a plugin's bug
            return super().ask(n)

        def tell(self, observations):
            self.told += len(observations)

    study = tmp_path / "study"
    argv = ["compare", "--methods", "random,flaky", "--seeds", "1", "--budget", "12", "--out", str(study),
            "--data-dir", str(data_dir), "--quiet"]
    assert main(argv) == 1
    run = study / "runs" / "flaky" / "seed-0"
    assert summarize(run)["status"] == "failed" and summarize(run)["evaluations"] == 4
    capsys.readouterr()
    BROKEN["after"] = None  # the plugin mended
    try:
        assert main(argv) == 0
    finally:
        BROKEN["after"] = 4
    assert summarize(run)["status"] == "finished" and summarize(run)["evaluations"] == 12
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        assert db.execute("SELECT COUNT(DISTINCT key) FROM trials").fetchone()[0] == 12  # nothing evaluated twice
    assert "flaky" in (study / "report.md").read_text()
