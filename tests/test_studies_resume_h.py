"""A predictor study's ranked fidelity is never guessed nor a damaged one read, a resumed run keys its stored trials
by the space's hash of now, and a user's subclass of a built-in benchmark imports the tables its own import writes.

A study from before ``predictor_study.json`` recorded ``ranked_fidelity`` was reported, where no table was at hand,
at its first record's fidelity, silently; a hand-edited ``ranked_fidelity`` of null, or of a fidelity the table
lacks, refused every record as not of it rather than the file as unreadable.

A run of ``--dedup functional`` begun before the DARTS/NDS functional hash read a cell's smallest node numbering
kept its trials under the old keys, so a resume evaluated a network it had evaluated again. A benchmark registered
under a name of its own (``class MyNB201(NB201Benchmark)``) imports with its parent's importers, which write the
parent's name in the table: ``data import`` of that table (the README's way to add cells to it) was refused as
data of the parent."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import SEARCH_SPACES, register_benchmark, register_search_space, register_strategy
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.base import Strategy


def _register_twice() -> None:
    """A strategy proposing each cell twice in a row (its n-th ask: cell n // 2 of a seeded draw), so a resume after
    an odd number of asks begins by proposing the cell evaluated last."""
    @register_strategy("h-twice")
    class Twice(Strategy):
        def __init__(self, space, seed=0):
            super().__init__(space, seed)
            self.first, self.asked = seed, 0

        def ask(self, n):
            cells = [self.space.sample(np.random.default_rng([self.first, (self.asked + i) // 2])) for i in range(n)]
            self.asked += n
            return cells

        def tell(self, observations):
            pass

        def state_dict(self):
            return {**super().state_dict(), "asked": self.asked}

        def load_state_dict(self, state):
            super().load_state_dict(state)
            self.asked = state["asked"]


def _search(data_dir: Path, *flags: str) -> int:
    return main(["search", "--data-dir", str(data_dir), "--quiet", *flags])


def test_a_resume_keys_stored_trials_by_the_functional_hash_of_now(tmp_path, data_dir, capsys):
    """The store's key of the first cell rewritten as the hash before 3423e32 wrote it (each node's pairs sorted,
    nodes in the written order); the resume proposes that cell again and must answer it from the store."""
    _register_twice()
    space = SEARCH_SPACES.get("darts")()
    run = tmp_path / "run"
    assert _search(data_dir, "--space", "darts", "--strategy", "h-twice", "--dedup", "functional", "--run-dir",
                   str(run), "--budget", "1", "--seed", "0") == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        (arch, key), = db.execute("SELECT arch, key FROM trials").fetchall()
        old = space.format(space.canonical(space.parse(arch)))
        assert old != key  # seed 0's first cell is written in another numbering than its smallest
        db.execute("UPDATE trials SET key = ?", (old,))
        db.execute("DELETE FROM meta WHERE key = 'key_code'")  # that nasloop recorded no code keying its runs
    capsys.readouterr()
    assert _search(data_dir, "--resume", str(run), "--budget", "2") == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        archs = [row[0] for row in db.execute("SELECT arch FROM trials WHERE state = 'done' ORDER BY id")]
    assert len(archs) == 2 and archs[0] == arch and archs[1] != arch, archs
    assert "1 repeat answered from the store" in capsys.readouterr().out


def _register_subclass() -> None:
    @register_benchmark("h-nb201")
    class MyNB201(NB201Benchmark):
        pass

    @register_search_space("h-nb201")
    class MySpace(NB201Space):
        benchmark = "h-nb201"


def test_a_subclass_of_a_builtin_benchmark_imports_the_table_its_import_wrote(tmp_path, nb201_csv_path, capsys):
    _register_subclass()
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["data", "import", "--space", "h-nb201", str(nb201_csv_path), "--out", str(first)]) == 0
    table = first / "nb201.npz"
    capsys.readouterr()
    assert main(["data", "import", "--space", "h-nb201", str(table), "--out", str(second)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{table}: a nasloop nb201 table (the benchmark h-nb201 derives from)")
    assert (second / "nb201.npz").is_file()
    assert main(["data", "import", "--space", "nb101", str(table), "--out", str(second)]) == 2
    said = capsys.readouterr().err  # the spaces named are every one registered on the two benchmarks, those other
    # tests of this process registered included
    assert said.startswith(f"nasloop data import: error: {table} is a nasloop nb201 table (the benchmark h-nb201 "
                           "derives from), data of the h-nb201 and nb201 benchmarks, not of --space nb101; import it "
                           "with --space ") and said.count("\n") == 1
    named = {part.strip() for part in said.split("import it with ")[1].split(" or ")}
    assert {"--space h-nb201", "--space nb201"} <= named


def _predictor_study(folder: Path, data_dir: Path, *flags: str) -> int:
    return main(["compare", "--space", "nb201", "--predictors", "random", "--train-sizes", "8", "--seeds", "1",
                 "--out", str(folder), "--data-dir", str(data_dir), "--quiet", *flags])


def test_a_study_from_before_ranked_fidelity_is_reported_only_with_its_table(tmp_path, data_dir, capsys,
                                                                             monkeypatch):
    study = tmp_path / "study"
    assert _predictor_study(study, data_dir) == 0
    # no table in the data folders (set after the study: a cache folder of its own made matplotlib list fonts anew)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NASLOOP_DATA", raising=False)
    path = study / "predictor_study.json"
    grid = json.loads(path.read_text())
    del grid["ranked_fidelity"]  # as a study wrote it before 94e87d4
    path.write_text(json.dumps(grid))
    (study / "report.md").unlink()
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop report: error: {path} is from before predictor studies recorded the fidelity they rank "
        "(ranked_fidelity), so its records' fidelity is checked against the nb201 table, which is not found; give "
        "--data-dir, the folder holding it (or set NASLOOP_DATA), so its fidelity can be checked\n")
    assert not (study / "report.md").exists() and json.loads(path.read_text()) == grid
    assert main(["report", str(study), "--data-dir", str(data_dir)]) == 0
    assert (study / "report.md").is_file() and json.loads(path.read_text()) == grid  # a report records nothing


def test_a_study_from_before_ranked_fidelity_of_a_space_not_registered_now_names_the_plugin(tmp_path, data_dir,
                                                                                            capsys):
    """Its space's plugin not given: no table says the fidelity, whatever the data folders hold."""
    study = tmp_path / "study"
    assert _predictor_study(study, data_dir) == 0
    path, records = study / "predictor_study.json", study / "predictor_records.jsonl"
    grid = {key: value for key, value in json.loads(path.read_text()).items() if key != "ranked_fidelity"}
    path.write_text(json.dumps({**grid, "space": "h-gone"}))
    records.write_text(records.read_text().replace('"space": "nb201"', '"space": "h-gone"'))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop report: error: {path} is from before predictor studies recorded the fidelity they rank "
        "(ranked_fidelity), so its records' fidelity is checked against its space's table, and space 'h-gone' is "
        "not registered now; give the plugin registering it (nasloop --plugin FILE report ...)\n")


def _unreadable(command: str, path: Path, problem: str) -> str:
    return (f"nasloop {command}: error: {path} is not a readable predictor study file (ValueError: its "
            f"ranked_fidelity is {problem}); run the study's 'nasloop compare --predictors' command again with "
            "--force-new to set it aside\n")


@pytest.mark.parametrize("value, problem", [
    ("null", "null, not a whole number of epochs (null ranks a table of final results, and the nb201 table holds "
             "results by epochs)"),
    ("13", "13, a fidelity the nb201 table does not hold for cifar10 (it holds 12, 200)"),
])
def test_a_ranked_fidelity_of_null_or_one_the_table_lacks_is_an_unreadable_study_file(tmp_path, data_dir, capsys,
                                                                                      value, problem):
    study = tmp_path / "study"
    assert _predictor_study(study, data_dir) == 0
    path = study / "predictor_study.json"
    path.write_text(path.read_text().replace('"ranked_fidelity": 200', f'"ranked_fidelity": {value}'))
    capsys.readouterr()
    assert _predictor_study(study, data_dir) == 2
    assert capsys.readouterr().err == _unreadable("compare", path, problem)
    assert main(["report", str(study), "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err == _unreadable("report", path, problem)
    assert _predictor_study(study, data_dir, "--force-new") == 0  # the fix the message gives
    assert json.loads(path.read_text())["ranked_fidelity"] == 200


def test_a_ranked_fidelity_on_a_table_of_final_results_is_an_unreadable_study_file(tmp_path, data_dir, capsys):
    """TransNAS's table holds final results only: a study of it ranks fidelity null, and 200 is no value of it."""
    study = tmp_path / "study"
    assert _predictor_study(study, data_dir) == 0
    path = study / "predictor_study.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "space": "tnb101-micro", "dataset": "class_scene"}))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err == _unreadable(
        "report", path, "200, not null (the tnb101-micro table holds final results only)")
