"""Two NB201 table folders for the tests of a study continued on other data (engine/study_data.py)."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.data.table import Table
from nasloop.search_spaces.nb201.benchmark import TABLE_FILE


def same_and_other_tables(root: Path, table: Table) -> tuple[Path, Path]:
    """The NB201 table as it is (``same``), and one giving the 12-epoch accuracies for 200 epochs (``other``)."""
    folders = root / "same", root / "other"
    other = {**table.columns, "cifar10@200:val_accuracy": table.columns["cifar10@12:val_accuracy"]}
    for folder, columns in zip(folders, (table.columns, other)):
        folder.mkdir()
        Table(dict(columns), dict(table.meta)).save(folder / TABLE_FILE)
    return folders
