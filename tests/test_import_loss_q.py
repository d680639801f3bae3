"""An import over a table of as many architectures, but other ones or fewer values: it replaced the table silently,
since only the number of architectures and the result columns were compared. The fixtures are the public formats:
NASLib's NB201 pickle (built here) and records of the shipped NB101 JSON."""
from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.table import Table
from nasloop.search_spaces.nb201 import NB201Space

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def naslib_pickle(path: Path, first: int, cells: int, short: int | None = None) -> Path:
    """A NASLib NB201 pickle of ``cells`` cells from the ``first``-th on (12-epoch curves); the ``short``-th of
    them has a curve of 6 epochs only."""
    space = NB201Space()
    records = {}
    for i, cell in enumerate(list(space.enumerate())[first:first + cells]):
        epochs = 6 if i == short else 12
        info = {"eval_acc1es": list(np.linspace(10.0, 60.0 + i, epochs)), "train_times": [10.0] * epochs}
        records[space.format(cell)] = {"cifar10-valid": info}
    path.write_bytes(pickle.dumps(records))
    return path


@pytest.fixture(scope="module")
def nb101_records(data_dir) -> list[dict]:
    return json.loads(gzip.decompress((data_dir / "nasbench101_30k.json.gz").read_bytes()))[:6]


def nb101_json(path: Path, records: list[dict]) -> Path:
    path.write_bytes(gzip.compress(json.dumps(records).encode()))
    return path


def test_an_nb201_pickle_of_as_many_other_cells_is_refused_and_keeps_the_table(tmp_path, capsys):
    """Three other cells imported over three: 'replaced', and the three cells the table held were gone."""
    out = tmp_path / "out"
    assert main(["data", "import", str(naslib_pickle(tmp_path / "first.pickle", 0, 3)), "--out", str(out)]) == 0
    other = naslib_pickle(tmp_path / "other.pickle", 3, 3)
    assert main(["data", "import", str(other), "--out", str(out)]) == 2
    first_cell = NB201Space().format(next(iter(NB201Space().enumerate())))
    error = one_line(capsys.readouterr().err.strip(), out / "nb201.npz",
                     "holds 3 architectures and the import (other.pickle) 3, lacking 3 of them",
                     f"(such as '{first_cell}')", "--replace")
    assert Table.load(out / "nb201.npz").columns["present"][:3].all()
    command = error.split("('")[1].split("'")[0].split()[1:]  # the command the refusal gives keeps both
    assert main(command) == 0 and Table.load(out / "nb201.npz").held() == 6
    assert main(["data", "import", str(other), "--out", str(out), "--replace"]) == 0
    assert Table.load(out / "nb201.npz").held() == 3


def test_the_same_nb201_cells_with_a_shorter_curve_are_refused(tmp_path, capsys):
    """The same cells, one of them with 6 epochs of its 12: its epochs 7 to 12 were lost without a word."""
    out = tmp_path / "out"
    full = naslib_pickle(tmp_path / "full.pickle", 0, 3)
    assert main(["data", "import", str(full), "--out", str(out)]) == 0
    short = naslib_pickle(tmp_path / "short.pickle", 0, 3, short=1)
    assert main(["data", "import", str(short), "--out", str(out)]) == 2
    second_cell = NB201Space().format(list(NB201Space().enumerate())[1])
    error = one_line(capsys.readouterr().err.strip(), "holds results the import lacks",
                     "(column 'cifar10@7:val_accuracy': 1 of its 3 values", f"such as that of '{second_cell}')",
                     "--replace")
    assert np.isfinite(Table.load(out / "nb201.npz").columns["cifar10@12:val_accuracy"][:3]).all()
    command = error.split("('")[1].split("'")[0].split()[1:]  # importing the table first: overriding is asked for
    assert main(command) == 0
    columns = Table.load(out / "nb201.npz").columns  # epochs the short curve has no value of override nothing
    assert columns["cifar10@6:val_accuracy"][1] == 61.0 and columns["cifar10@12:val_accuracy"][1] == 61.0
    again = tmp_path / "again"  # so it is by importing the files the table came from first, as the README does
    assert main(["data", "import", str(full), "--out", str(again)]) == 0
    assert main(["data", "import", str(full), str(short), "--out", str(again)]) == 0
    assert Table.load(again / "nb201.npz").columns["cifar10@12:val_accuracy"][1] == 61.0


def test_an_nb101_json_of_as_many_other_hashes_is_refused(tmp_path, nb101_records, capsys):
    """Three other NB101 cells over three: the hashes the table held were gone."""
    out = tmp_path / "out"
    assert main(["data", "import", "--space", "nb101", str(nb101_json(tmp_path / "a.json.gz", nb101_records[:3])),
                 "--out", str(out)]) == 0
    other = nb101_json(tmp_path / "b.json.gz", nb101_records[3:])
    assert main(["data", "import", "--space", "nb101", str(other), "--out", str(out)]) == 2
    one_line(capsys.readouterr().err.strip(), "holds 3 architectures and the import (b.json.gz) 3, lacking 3 of them",
             f"(such as hash {nb101_records[0]['hash']})", "--replace")
    assert sorted(Table.load(out / "nb101.npz").columns["hash"]) == sorted(r["hash"] for r in nb101_records[:3])


def test_an_nb101_json_without_one_cells_result_is_refused(tmp_path, nb101_records, capsys):
    """The same hashes, one without its 12-epoch accuracy: that value was lost without a word."""
    out = tmp_path / "out"
    records = nb101_records[:3]
    assert main(["data", "import", "--space", "nb101", str(nb101_json(tmp_path / "a.json.gz", records)),
                 "--out", str(out)]) == 0
    fewer = [dict(r) for r in records]
    del fewer[2]["val_acc_12"]
    path = nb101_json(tmp_path / "fewer.json.gz", fewer)
    assert main(["data", "import", "--space", "nb101", str(path), "--out", str(out)]) == 2
    one_line(capsys.readouterr().err.strip(), "holds results the import lacks",
             f"(column 'cifar10@12:val_accuracy': 1 of its 3 values, such as that of hash {records[2]['hash']})")
    assert np.isfinite(Table.load(out / "nb101.npz").columns["cifar10@12:val_accuracy"]).all()
