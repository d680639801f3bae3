"""A resumed run keys its stored trials by the space's hash of now, and a user's subclass of a built-in benchmark
imports the tables its own import writes.

A run of ``--dedup functional`` begun before the DARTS/NDS functional hash read a cell's smallest node numbering
kept its trials under the old keys, so a resume evaluated a network it had evaluated again. A benchmark registered
under a name of its own (``class MyNB201(NB201Benchmark)``) imports with its parent's importers, which write the
parent's name in the table: ``data import`` of that table (the README's way to add cells to it) was refused as
data of the parent."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

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
    assert capsys.readouterr().err == (
        f"nasloop data import: error: {table} is a nasloop nb201 table (the benchmark h-nb201 derives from), data of "
        "the h-nb201 and nb201 benchmarks, not of --space nb101; import it with --space h-nb201 or --space nb201\n")
