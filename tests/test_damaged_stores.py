"""A run store damaged by hand, by a tool or by a full disk is named as damaged in one line, never read as a run
whose values are true, nor surfacing as a library's error."""
from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import DataError
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.search import summarize
from nasloop.engine.store import RunStore
from nasloop.engine.store_read_uri import read_only_uri
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.evolution import RegularizedEvolution


@pytest.fixture
def finished(tmp_path, data_dir) -> Path:
    run = tmp_path / "run"
    assert main(["search", "--strategy", "evolution", "--strategy-opt", "population_size=5", "--strategy-opt",
                 "sample_size=3", "--budget", "12",
                 "--seed", "3", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    return run


def edit(run: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        db.execute(sql, params)


def test_a_store_without_a_status_shows_as_stopped(finished, capsys):
    """A disk that filled just after the store was made left no status: show raised a TypeError."""
    edit(finished, "DELETE FROM meta WHERE key IN ('status', 'stop_reason')")
    assert main(["show", str(finished)]) == 0
    shown = summarize(finished)
    assert shown["status"] == "stopped" and shown["stop_reason"].startswith("no process is searching it; continue")
    edit(finished, "INSERT INTO meta (key, value) VALUES ('status', '5')")
    assert main(["show", str(finished)]) == 2
    assert "is damaged: meta 'status' is 5" in capsys.readouterr().err


@pytest.mark.parametrize("path,value", [("$.rng", "{}"), ("$.rng", '"zzz"'), ("$.population", "null"),
                                        ("$.population[0][0]", '"garbage"'), ("$.asked_random", "-7")])
def test_a_strategy_state_edited_in_the_store_is_named_as_damage(finished, capsys, path, value):
    """numpy's, the strategy's own TypeError, or the space's 'not an NB201 cell' (which reads as the user's input)."""
    edit(finished, f"UPDATE strategy_state SET state = json_set(state, '{path}', json(?))", value)
    assert main(["search", "--resume", str(finished), "--budget", "14", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert f"{finished / 'nasloop.sqlite'} is damaged: the strategy state does not load into RegularizedEvolution (" \
        in error and error.count("\n") == 1, error
    assert summarize(finished)["evaluations"] == 12


@pytest.mark.parametrize("score", [None, 9e999, -9e999, 12.5])
def test_a_score_edited_in_the_store_is_named_as_damage(finished, capsys, tmp_path, score):
    """show, export and a resumed search read the score column as it stood: the best trial's score edited to NULL
    or infinity named another best (its metrics still those of the true one), and export wrote inf."""
    with sqlite3.connect(finished / "nasloop.sqlite") as db:
        best = db.execute("SELECT id FROM trials ORDER BY score DESC LIMIT 1").fetchone()[0]
    edit(finished, "UPDATE trials SET score = ? WHERE id = ?", score, best)
    for argv in (["show", str(finished)], ["export", str(finished), str(tmp_path / "t.csv")],
                 ["search", "--resume", str(finished), "--budget", "14", "--quiet"]):
        assert main(argv) == 2, argv
        error = capsys.readouterr().err
        assert f"is damaged: trial {best} has score {score!r}, where its result gives " in error, error
        assert error.count("\n") == 1, error
    assert not (tmp_path / "t.csv").exists()


LOCAL, TOPK = ["--strategy", "local"], ["--strategy", "predictor-topk", "--predictor", "random"]
BO = ["--strategy", "bo", "--strategy-opt", "num_init=4"]


@pytest.mark.parametrize("search,path,value", [
    (LOCAL, "$.queue[0]", '"garbage"'), (LOCAL, "$.queue[0]", "5"), (LOCAL, "$.current[1]", '"0.9"'),
    (LOCAL, "$.outstanding", '["|zz~0|"]'), (LOCAL, "$.current", "null"),
    (["--strategy", "evolution"], "$.population[0][1]", '"0.9"'),
    (TOPK, "$.fed", "99"), (TOPK, "$.rounds", "-1"), (TOPK, "$.observed[0][1]", '"x"'), (TOPK, "$.pool_size", "0"),
    (BO, "$.initial_asked", "-1"), (BO, "$.observed[0][1]", '["x"]'), (BO, "$.observed[0][1]", "[]")])
def test_a_strategy_state_edited_to_right_types_is_named_as_damage(tmp_path, data_dir, capsys, search, path, value):
    """Values of the right JSON type were taken: local search's queue was parsed only when popped, mid-run, and
    scores were compared, counts counted down, only when the run went on."""
    run = tmp_path / "run"
    common = ["--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]
    assert main(["search", *search, "--budget", "6", "--seed", "2", *common]) == 0
    capsys.readouterr()  # a 6-evaluation run of evolution or predictor-topk is noted as random search
    if path == "$.current":  # a candidate move left without the point it improves on
        edit(run, "UPDATE strategy_state SET state = json_set(state, '$.candidate', json_extract(state, "
                  "'$.current'))")
    if path.startswith("$.observed[0]"):  # a guided strategy's observations are kept as appended rows
        edit(run, f"UPDATE strategy_rows SET row = json_set(row, '{path.replace('$.observed[0]', '$')}', json(?)) "
                  """WHERE name = '["observed"]' AND idx = 0""", value)
    else:
        edit(run, f"UPDATE strategy_state SET state = json_set(state, '{path}', json(?))", value)
    assert main(["search", "--resume", str(run), "--budget", "30", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "is damaged: the strategy state does not load into " in error and error.count("\n") == 1, error
    assert summarize(run)["evaluations"] == 6


def test_an_architecture_edited_in_a_trial_to_evaluate_again_is_named_as_damage(finished, capsys):
    """A trial a kill left unfinished is evaluated again on resume: its edited architecture read as the user's."""
    with sqlite3.connect(finished / "nasloop.sqlite") as db:
        trial, arch = db.execute("SELECT id, arch FROM trials ORDER BY id DESC LIMIT 1").fetchone()
    edited = arch.replace("~0|", "~9|", 1)
    edit(finished, "UPDATE trials SET arch = ?, state = 'pending', status = NULL, score = NULL, metrics = NULL, "
                   "cost = NULL, told = 0, finished_at = NULL WHERE id = ?", edited, trial)
    assert main(["search", "--resume", str(finished), "--budget", "14", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert f"is damaged: trial {trial} holds '{edited}', not an architecture of nb201" in error


def test_a_run_in_a_read_only_folder_is_read_whole_or_told_to_be_copied(finished, monkeypatch):
    """show, export and report failed on a finished run kept on a read-only mount ('unable to open database
    file'): a reader of a WAL store makes a shared-memory file beside it. (Checked on a real read-only bind mount;
    here the folder is made to read as unwritable, since root may write anywhere.)"""
    from nasloop.engine import store as store_module

    writable = os.access
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: mode != os.W_OK and writable(path, mode))
    journal = finished / "nasloop.sqlite-wal"
    assert not journal.exists() or journal.stat().st_size == 0  # a finished run merged its journal
    assert read_only_uri(finished / "nasloop.sqlite").endswith("?mode=ro&immutable=1")
    assert summarize(finished)["evaluations"] == 12
    journal.write_bytes(b"\0" * 32)  # a journal not merged yet: only a writable folder can read it
    with pytest.raises(DataError, match="cannot be written by this user and holds the store.s unmerged journal "
                                        ".*; copy the run folder"):
        summarize(finished)


def test_a_configuration_edited_to_another_space_is_named_without_internals(finished, capsys):
    """The line ran to 650 characters: nasloop's own source line, and advice for the author of a user's strategy.
    (The stored architectures, each read by the configured space before the strategy state loads, name it first.)"""
    edit(finished, "UPDATE meta SET value = json_set(value, '$.space', 'nb101') WHERE key = 'config'")
    assert main(["search", "--resume", str(finished), "--budget", "14", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "is damaged: trial 1 holds '|" in error and "', not an architecture of nb101 (malformed NB101 cell" in error
    assert " (at " not in error and "load_state_dict" not in error and len(error) - len(str(finished)) < 400, error


def test_older_stores_keep_their_scores_readable(finished, tmp_path, data_dir):
    """What older nasloop wrote is no damage: a minimised objective recorded only in the configuration, and an
    infinite value kept as an infinite score (the score check refused both)."""
    with sqlite3.connect(finished / "nasloop.sqlite") as db:
        metrics = json.loads(db.execute("SELECT metrics FROM trials WHERE id = 2").fetchone()[0])
    edit(finished, "UPDATE trials SET metrics = ?, score = 9e999 WHERE id = 2",
         json.dumps({**metrics, "val_accuracy": math.inf}))  # as json wrote it: Infinity
    assert summarize(finished)["best"]["trial"] == 2
    run = tmp_path / "minimised"
    assert main(["search", "--objective", "val_accuracy", "--minimize", "--budget", "5", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    edit(run, "DELETE FROM meta WHERE key IN ('minimize', 'objectives')")
    assert summarize(run)["evaluations"] == 5
    assert main(["search", "--resume", str(run), "--budget", "7", "--quiet"]) == 0


def test_a_dataset_edited_to_null_is_named_as_damage(finished, capsys):
    """It resumed on the space's default task, mixing another task's results into the run."""
    edit(finished, "UPDATE meta SET value = json_set(value, '$.dataset', json('null')) WHERE key = 'config'")
    assert main(["search", "--resume", str(finished), "--budget", "14", "--quiet"]) == 2
    assert "is damaged: its run configuration has no 'dataset'" in capsys.readouterr().err


class Evolution(RegularizedEvolution):
    """A user's copy of evolution; its next version reads a key the saved state lacks."""


class EvolutionNext(Evolution):
    def load_state_dict(self, state):
        self.extra = state["extra"]
        super().load_state_dict(state)


def test_a_users_strategy_that_no_longer_reads_its_state_is_not_called_damage(tmp_path, nb201_context):
    """The store was called damaged, with advice to restore a backup that could not help: the plugin's code had
    changed since the run saved its state."""
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        SearchLoop(space, Evolution(space, seed=0, population_size=5, sample_size=2),
                   TabularEvaluator(space, nb201_context), InProcessExecutor(), store, Budget(queries=8)).run()
        loop = SearchLoop(space, EvolutionNext(space, seed=0, population_size=5, sample_size=2),
                          TabularEvaluator(space, nb201_context), InProcessExecutor(), store, Budget(queries=12))
        with pytest.raises(DataError) as error:
            loop.load_strategy_state()
    message = str(error.value)
    assert message.startswith(f"the strategy state in {store.path} does not load into EvolutionNext (KeyError: 'extra'")
    assert "if its code changed since the run saved the state, make it read the older form too" in message
    assert "is damaged" not in message and "\n" not in message


@pytest.mark.parametrize("key, value, named", [
    ("objectives", '["val_accuracy:sideways"]', "meta 'objectives' is ['val_accuracy:sideways'], not a list of "
                                                "METRIC[:max|:min]"),
    ("data_identity", '{"x": 1}', "meta 'data_identity' is {'x': 1}, not text naming the data, or null"),
    ("data_identity", '"abc"', "meta 'data_identity' is 'abc', but the run's evaluator records none")])
def test_a_recorded_objective_or_data_edited_in_the_store_is_named_as_damage(finished, capsys, tmp_path, key, value,
                                                                             named):
    """show, export and resume said "objective ... is not METRIC[:max|:min]; write e.g. --objectives ...", a flag a
    stored run takes none of; a resume "was evaluated on the {'x': 1}, and would now be on the None; put the data
    back as it was"."""
    edit(finished, "UPDATE meta SET value = ? WHERE key = ?", value, key)
    commands = [["search", "--resume", str(finished), "--budget", "14", "--quiet"]]
    if key == "objectives":
        commands += [["show", str(finished)], ["export", str(finished), str(tmp_path / "out.csv")]]
    for command in commands:
        assert main(command) == 2
        assert capsys.readouterr().err.strip() == (f"nasloop {command[0]}: error: {finished / 'nasloop.sqlite'} is "
                                                   f"damaged: {named}; restore the file from a backup, or start a new "
                                                   "run directory")
