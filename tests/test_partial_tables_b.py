"""Benchmark tables that hold only part of their space (a truncated or hand-made public file, a NASLib pickle of a
few cells), imported as a user would: one rule for every table-backed space. A search of the whole space on such a
table is refused before the run in one line naming how many cells the table holds and the import of the whole
file; a space that keeps to its table (NB101 by default) searches the cells it holds. Each test says what a user
saw before."""
from __future__ import annotations

import gzip
import itertools
import json
import re
import shutil

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.table import Table
from nasloop.engine.registry import register_benchmark, register_search_space
from nasloop.engine.store import RunStore
from nasloop.engine.types import Result
from nasloop.search_spaces.base import Benchmark, EnumerableSpace, Task

from .digit_space import DigitSpace
from .messages import one_line
from .test_data_leftovers_b import naslib_pickle

pytestmark = pytest.mark.usefixtures("isolated_cache")  # neither the user's cache nor NASLOOP_DATA is read


@pytest.fixture(scope="module")
def few_nb201(tmp_path_factory):
    """A data folder whose NB201 table is a NASLib pickle of 20 cells (12-epoch curves), imported alone."""
    folder = tmp_path_factory.mktemp("few201")
    assert main(["data", "import", "--space", "nb201", str(naslib_pickle(folder / "few.pickle", 20)),
                 "--out", str(folder / "data")]) == 0
    return folder / "data"


def _refused(capsys, *names: str) -> str:
    """The one line of stderr a refused command printed, naming ``names``."""
    return one_line(capsys.readouterr().err.strip(), *names)


def test_an_nb201_search_of_a_few_cell_table_is_refused_before_the_run(few_nb201, tmp_path, capsys):
    """It ran, drew cells of the whole space and failed every lookup it lacked ('all 5 evaluations failed'),
    leaving a run folder of failures, where a TransNAS-Bench-101 table of part of its file was refused."""
    assert main(["search", "--space", "nb201", "--data-dir", str(few_nb201), "--strategy", "random", "--budget", "5",
                 "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    _refused(capsys, "the nb201 table holds cifar10 12-epoch results for 20 of the space's 15,625 architectures",
             "(imported from few.pickle)", "nasloop data import --space nb201 nasbench201_all.csv.gz",
             f"FILE.pickle --out {few_nb201}'")
    assert not (tmp_path / "run").exists()


def test_the_advised_import_completes_the_table_the_search_reads(few_nb201, nb201_csv_path, tmp_path, capsys):
    """The advice named no --out, so the whole file went to the user's cache, and the search read the folder's
    few-cell table first and was refused again."""
    data = shutil.copytree(few_nb201, tmp_path / "data")
    command = ["search", "--space", "nb201", "--data-dir", str(data), "--strategy", "random", "--budget", "3",
               "--fidelity", "12", "--run-dir", str(tmp_path / "run"), "--quiet"]
    assert main(command) == 2
    advised = re.search(r"'nasloop (data import [^']*)'", capsys.readouterr().err).group(1).split()
    pickle = naslib_pickle(tmp_path / "few.pickle", 20)
    words = [str(nb201_csv_path) if w.endswith(".csv.gz") else str(pickle) if w == "FILE.pickle" else w
             for w in advised]
    assert main(words) == 0 and main(command) == 0


def test_an_nb201_study_of_a_few_cell_table_names_the_gap_not_the_cell_index(few_nb201, tmp_path, capsys):
    """'nasloop compare' said the table 'has no official cell index' (its default target reads every cell in the
    official order), naming neither that the table holds 20 cells nor that a search of it would fail."""
    assert main(["compare", "--space", "nb201", "--data-dir", str(few_nb201), "--methods", "random", "--seeds", "1",
                 "--budget", "3", "--out", str(tmp_path / "study"), "--quiet"]) == 2
    _refused(capsys, "holds cifar10 12-epoch results for 20 of the space's 15,625",
             "nasloop data import --space nb201")
    assert not (tmp_path / "study").exists()


def test_nb201_counts_the_cells_held_at_the_fidelity_the_search_reads(nb201_csv_path, tmp_path, capsys):
    """The CSV with a pickle of 20 cells' curves: every cell has 12- and 200-epoch results, only 20 have 5-epoch
    ones; '--fidelity 5' ran and failed the lookups of the others ('no 5-epoch cifar10 result')."""
    data = tmp_path / "data"
    assert main(["data", "import", "--space", "nb201", str(nb201_csv_path),
                 str(naslib_pickle(tmp_path / "curves.pickle", 20)), "--out", str(data)]) == 0
    common = ["search", "--space", "nb201", "--data-dir", str(data), "--strategy", "random", "--budget", "3",
              "--quiet"]
    assert main([*common, "--fidelity", "5", "--run-dir", str(tmp_path / "five")]) == 2
    _refused(capsys, "holds cifar10 5-epoch results for 20 of the space's 15,625",
             "or choose a fidelity every architecture has, with --fidelity: 12, 200")
    assert main([*common, "--fidelity", "12", "--run-dir", str(tmp_path / "twelve")]) == 0  # held for every cell
    with RunStore.in_run_dir(tmp_path / "twelve") as store:
        assert all(t.result.ok for t in store.evaluations())


def test_a_tnb101_macro_search_of_part_of_the_json_is_refused(data_dir, tmp_path, capsys):
    """The macro table of 100 skeletons of 3,256 (each task's first 100 records of the JSON) is refused as the
    micro one was, now by the same rule as every table's (the base benchmark's count, not TransNAS's own)."""
    whole = json.loads(gzip.decompress((data_dir / "transnas101_val.json.gz").read_bytes()))
    part = {task: dict(itertools.islice(records.items(), 100)) for task, records in whole["macro"].items()}
    (tmp_path / "transnas101_val.json.gz").write_bytes(gzip.compress(json.dumps({"macro": part}).encode()))
    assert main(["search", "--space", "tnb101-macro", "--dataset", "jigsaw", "--budget", "3", "--data-dir",
                 str(tmp_path), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    _refused(capsys, "holds jigsaw results for 100 of the space's 3,256",
             "nasloop data import --space tnb101-macro transnas101_val.json.gz")
    assert not (tmp_path / "run").exists()


def test_an_nb101_table_of_part_of_the_30k_json_keeps_the_search_to_its_cells(data_dir, tmp_path):
    """NB101 keeps to its table (space option table_only, on with the tabular evaluator): a table of 40 cells is
    searched, every lookup answered, not refused; the rule leaves a space that keeps to its table alone."""
    records = json.loads(gzip.decompress((data_dir / "nasbench101_30k.json.gz").read_bytes()))[:40]
    source = tmp_path / "nasbench101_30k.json.gz"
    source.write_bytes(gzip.compress(json.dumps(records).encode()))
    assert main(["data", "import", "--space", "nb101", str(source), "--out", str(tmp_path / "data")]) == 0
    assert main(["search", "--space", "nb101", "--data-dir", str(tmp_path / "data"), "--strategy", "random",
                 "--budget", "5", "--run-dir", str(tmp_path / "run"), "--quiet"]) == 0
    with RunStore.in_run_dir(tmp_path / "run") as store:
        assert [t.result.ok for t in store.evaluations()] == [True] * 5


class Digits(DigitSpace, EnumerableSpace):
    """A user's enumerable space of 4^5 = 1,024 digit strings."""

    name, benchmark = "partial-digits", "partial-digit-table"

    @property
    def size(self) -> int:
        return 4 ** 5

    def enumerate(self):
        return itertools.product(range(4), repeat=5)


class DigitTable(Benchmark):
    """A user's benchmark whose table, in the shared format, holds 10 of the space's 1,024 cells."""

    name, tasks, final_only = "partial-digit-table", (Task("digits"),), True
    _rows = {arch: i for i, arch in enumerate(itertools.islice(itertools.product(range(4), repeat=5), 10))}

    @property
    def table(self) -> Table:
        return Table({"digits:val_accuracy": np.linspace(50.0, 60.0, len(self._rows))})

    def fidelities(self, task):
        return []

    def query(self, arch, task, fidelity=None):
        row = self._rows.get(tuple(arch))
        if row is None:
            return Result.failed("not in the digit table")
        return Result(metrics={"val_accuracy": float(self.table.columns["digits:val_accuracy"][row])})

    @classmethod
    def recognise_source(cls, path):
        return None

    @classmethod
    def import_files(cls, paths):
        raise NotImplementedError("the table is made in code")


def test_a_users_table_of_part_of_their_space_is_refused_by_the_same_rule(tmp_path, capsys):
    """A user's benchmark was asked nothing (the base search_gap said None): their search of 1,024 cells on a table
    of 10 ran and failed nearly every lookup. The base benchmark now counts the held cells itself."""
    register_benchmark(DigitTable.name)(DigitTable)
    register_search_space(Digits.name)(Digits)
    assert main(["search", "--space", Digits.name, "--dataset", "digits", "--budget", "5", "--data-dir",
                 str(tmp_path), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    line = _refused(capsys, "the partial-digit-table table holds digits results for 10 of the space's 1,024",
                    "import a table of the whole space with 'nasloop data import'")
    assert "imported from" not in line  # the table names no source
